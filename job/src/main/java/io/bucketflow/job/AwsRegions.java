package io.bucketflow.job;

import io.bucketflow.connectors.aws.AwsConnectionConfig;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;

/** Resolves the AWS region a job uses when a component needs it spelled out. */
public final class AwsRegions {
    private AwsRegions() {}

    /**
     * The region of {@code --region}, else the SDK's default chain ({@code AWS_REGION}, the
     * profile of {@code AWS_PROFILE}, instance metadata). Runs on the client, before the job
     * starts.
     *
     * @throws JobSetupException when no region is configured anywhere
     */
    public static String resolve(AwsConnectionConfig aws) {
        return aws.region().orElseGet(AwsRegions::sdkDefault);
    }

    /**
     * The same configuration with the region spelled out, so that every task manager uses the
     * region resolved here rather than whatever its own environment says.
     *
     * @throws JobSetupException when no region is configured anywhere
     */
    public static AwsConnectionConfig withResolvedRegion(AwsConnectionConfig aws) {
        return aws.withRegion(resolve(aws));
    }

    private static String sdkDefault() {
        try {
            return DefaultAwsRegionProviderChain.builder().build().getRegion().id();
        } catch (SdkClientException e) {
            throw new JobSetupException(
                    "no AWS region configured: give --region, or set AWS_REGION or a region in the"
                            + " AWS profile",
                    e);
        }
    }
}
