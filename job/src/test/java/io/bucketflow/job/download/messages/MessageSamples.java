package io.bucketflow.job.download.messages;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;

/** Message bodies shaped like the examples in the AWS documentation, with the parts a test varies. */
final class MessageSamples {
    private static final ObjectMapper JSON = new ObjectMapper();

    private MessageSamples() {}

    /** An S3 event notification (event version 2.1) with one record; {@code encodedKey} goes in as it is. */
    static String s3Notification(String eventName, String encodedKey) {
        return """
                {
                  "Records": [
                    {
                      "eventVersion": "2.1",
                      "eventSource": "aws:s3",
                      "awsRegion": "us-west-2",
                      "eventTime": "1970-01-01T00:00:00.000Z",
                      "eventName": "%s",
                      "userIdentity": {"principalId": "AIDAJDPLRKLG7UEXAMPLE"},
                      "requestParameters": {"sourceIPAddress": "127.0.0.1"},
                      "responseElements": {
                        "x-amz-request-id": "C3D13FE58DE4C810",
                        "x-amz-id-2": "FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD"
                      },
                      "s3": {
                        "s3SchemaVersion": "1.0",
                        "configurationId": "testConfigRule",
                        "bucket": {
                          "name": "amzn-s3-demo-bucket",
                          "ownerIdentity": {"principalId": "A3NL1KOZZKExample"},
                          "arn": "arn:aws:s3:::amzn-s3-demo-bucket"
                        },
                        "object": {
                          "key": "%s",
                          "size": 1024,
                          "eTag": "d41d8cd98f00b204e9800998ecf8427e",
                          "versionId": "096fKKXTRTtl3on89fVO.nfljtsv6qko",
                          "sequencer": "0055AED6DCD90281E5"
                        }
                      }
                    }
                  ]
                }
                """
                .formatted(eventName, encodedKey);
    }

    /** The message S3 sends when a notification configuration is saved. */
    static final String TEST_EVENT = """
            {"Service":"Amazon S3","Event":"s3:TestEvent","Time":"2014-10-13T15:57:02.089Z",\
            "Bucket":"amzn-s3-demo-bucket","RequestId":"5582815E1AEA5ADF",\
            "HostId":"8cLeGAmw098X5cv4Zkwcmo8vvZa3eH3eKxsPzbB9wrR+YstdA6Knx4Ip8EXAMPLE"}""";

    /** An EventBridge {@code Object Created} event; the key is raw, JSON-escaped here. */
    static String eventBridgeObjectCreated(String key) {
        return """
                {
                  "version": "0",
                  "id": "17793124-05d4-b198-2fde-7ededc63b103",
                  "detail-type": "Object Created",
                  "source": "aws.s3",
                  "account": "111122223333",
                  "time": "2021-11-12T00:00:00Z",
                  "region": "ca-central-1",
                  "resources": ["arn:aws:s3:::amzn-s3-demo-bucket1"],
                  "detail": {
                    "version": "0",
                    "bucket": {"name": "amzn-s3-demo-bucket1"},
                    "object": {
                      "key": %s,
                      "size": 5,
                      "etag": "b1946ac92492d2347c6235b4d2611184",
                      "version-id": "IYV3p45BT0ac8hjHg1houSdS1a.Mro8e",
                      "sequencer": "617f08299329d189"
                    },
                    "request-id": "N4N7GDK58NMKJ12R",
                    "requester": "123456789012",
                    "source-ip-address": "1.2.3.4",
                    "reason": "PutObject"
                  }
                }
                """
                .formatted(jsonString(key));
    }

    /** An EventBridge {@code Object Deleted} event: a delete marker created by DeleteObject. */
    static final String EVENTBRIDGE_OBJECT_DELETED = """
            {
              "version": "0",
              "id": "2ee9cc15-d022-99ea-1fb8-1b1bac4850f9",
              "detail-type": "Object Deleted",
              "source": "aws.s3",
              "account": "111122223333",
              "time": "2021-11-12T00:00:00Z",
              "region": "ca-central-1",
              "resources": ["arn:aws:s3:::amzn-s3-demo-bucket1"],
              "detail": {
                "version": "0",
                "bucket": {"name": "amzn-s3-demo-bucket1"},
                "object": {
                  "key": "example-key",
                  "version-id": "1QW9g1Z99LUNbvaaYVpW9xDlOLU.qxgF",
                  "sequencer": "617f0837b476e463"
                },
                "request-id": "0BH729840619AG5K",
                "requester": "123456789012",
                "source-ip-address": "1.2.3.4",
                "reason": "DeleteObject",
                "deletion-type": "Delete Marker Created"
              }
            }
            """;

    /** An SNS notification (not raw message delivery) carrying {@code message}, escaped as SNS does. */
    static String snsNotification(String message) {
        ObjectNode envelope = JSON.createObjectNode();
        envelope.put("Type", "Notification");
        envelope.put("MessageId", "22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324");
        envelope.put("TopicArn", "arn:aws:sns:us-west-2:123456789012:MyTopic");
        envelope.put("Subject", "Amazon S3 Notification");
        envelope.put("Message", message);
        envelope.put("Timestamp", "2012-05-02T00:54:06.655Z");
        envelope.put("SignatureVersion", "1");
        envelope.put("Signature", "EXAMPLEw6JRNwm1LFQL4ICB0bnXrdB8ClRMTQFGBqwLpGbM78tJ4etTwC5zU7O3tS6tGpey3ejedNdOJ+1fkIp9F2/LmNVKb5aFlYq+9rk9ZiPph5YlLmWsDcyC5T+Sy9/umic5S0UQc2PEtgdpVBahwNOdMW4JPwk0kAJJztnc=");
        envelope.put("SigningCertURL", "https://sns.us-west-2.amazonaws.com/SimpleNotificationService-f3ecfb7224c7233fe7bb5f59f96de52f.pem");
        envelope.put("UnsubscribeURL", "https://sns.us-west-2.amazonaws.com/?Action=Unsubscribe"
                + "&SubscriptionArn=arn:aws:sns:us-west-2:123456789012:MyTopic:c9135db0-26c4-47ec-8998-413945fb5a96");
        return write(envelope);
    }

    /** The message SNS sends to a new subscriber that has to confirm the subscription. */
    static String snsSubscriptionConfirmation() {
        ObjectNode envelope = JSON.createObjectNode();
        envelope.put("Type", "SubscriptionConfirmation");
        envelope.put("MessageId", "165545c9-2a5c-472c-8df2-7ff2be2b3b1b");
        envelope.put("Token", "2336412f37fb687f5d51e6e241d09c805a5a57b30d712f794cc5f6a988666d92768dd60a747ba6f3beb71854e285d6ad02428b09ceece29417f1f02d609c582afbacc99c583a916b9981dd2728f4ae6fdb82efd087cc3b7849e05798d2d2785c03b0879594eeac82c01f235d0e717736");
        envelope.put("TopicArn", "arn:aws:sns:us-west-2:123456789012:MyTopic");
        envelope.put("Message", "You have chosen to subscribe to the topic arn:aws:sns:us-west-2:123456789012:MyTopic.\n"
                + "To confirm the subscription, visit the SubscribeURL included in this message.");
        envelope.put("SubscribeURL", "https://sns.us-west-2.amazonaws.com/?Action=ConfirmSubscription&TopicArn=arn:aws:sns:us-west-2:123456789012:MyTopic&Token=2336412f37");
        envelope.put("Timestamp", "2012-04-26T20:45:04.751Z");
        envelope.put("SignatureVersion", "1");
        return write(envelope);
    }

    /** {@code value} as a JSON string literal, quotes included. */
    static String jsonString(String value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String write(ObjectNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
