package io.bucketflow.job.download.messages;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One JSON object of a message body, read whole into maps and lists with Jackson's streaming
 * parser, with typed field access whose errors name the field's path ({@code Records[0].s3.object.key}).
 *
 * <p>Bounded: an SQS body is at most 1 MiB, objects nest at most {@value #MAX_NESTING_DEPTH}
 * deep, and Jackson's own limits on string and number lengths apply. Strict: duplicate fields,
 * comments, trailing commas and anything after the object are errors. Values are {@code Map},
 * {@code List}, {@code String}, {@code Integer}/{@code Long}/{@code BigInteger}, {@code Double},
 * {@code Boolean}, or {@code null} for a JSON null. Thread-safe: the factory is immutable.
 */
final class MessageJson {
    /** Far deeper than any message shape read here (at most five levels). */
    static final int MAX_NESTING_DEPTH = 32;

    /** How much of a field's value an error message repeats. */
    private static final int MAX_QUOTED_CHARS = 80;

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH).build())
            .build();

    private final String path;
    private final Map<String, Object> fields;

    private MessageJson(String path, Map<String, Object> fields) {
        this.path = path;
        this.fields = fields;
    }

    /**
     * Reads a text whose first character that is not whitespace is <code>{</code>.
     *
     * @param what what the text is, for error messages: "the body", "the SNS Message"
     * @throws MalformedMessageException if it is not exactly one valid JSON object
     */
    static MessageJson parse(String text, String what) throws MalformedMessageException {
        try (JsonParser parser = FACTORY.createParser(text)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new MalformedMessageException(what + " is not a JSON object");
            }
            Map<String, Object> fields = readObject(parser);
            if (parser.nextToken() != null) {
                throw new MalformedMessageException(
                        what + " has more after its JSON object, at " + position(parser.currentTokenLocation()));
            }
            return new MessageJson("", fields);
        } catch (StreamConstraintsException e) {
            throw new MalformedMessageException(what + " is not a JSON object this reader accepts: " + e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            throw new MalformedMessageException(
                    what + " is not valid JSON: " + withoutSourceReference(e.getOriginalMessage()) + " at "
                            + position(e.getLocation()));
        } catch (IOException e) {
            throw new UncheckedIOException("Reading JSON from a string failed", e);
        }
    }

    private static Map<String, Object> readObject(JsonParser parser) throws IOException {
        Map<String, Object> fields = new LinkedHashMap<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            fields.put(name, readValue(parser, parser.nextToken()));
        }
        return fields;
    }

    private static Object readValue(JsonParser parser, JsonToken token) throws IOException {
        switch (token) {
            case START_OBJECT:
                return readObject(parser);
            case START_ARRAY:
                List<Object> elements = new ArrayList<>();
                for (JsonToken next = parser.nextToken(); next != JsonToken.END_ARRAY; next = parser.nextToken()) {
                    elements.add(readValue(parser, next));
                }
                return elements;
            case VALUE_STRING:
                return parser.getText();
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT:
                return parser.getNumberValue();
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return null;
            default:
                throw new IllegalStateException("Unexpected JSON token " + token + " at " + position(parser.currentTokenLocation()));
        }
    }

    /**
     * Jackson's message without the parenthesised reference to where an unclosed object or array
     * started, which names the (redacted) source, as in {@code (for Array starting at [Source:
     * REDACTED ...; line: 1, column: 13])}.
     */
    private static String withoutSourceReference(String message) {
        int source = message.indexOf("[Source:");
        if (source < 0) {
            return message;
        }
        int parenthesis = message.lastIndexOf(" (", source);
        return message.substring(0, parenthesis >= 0 ? parenthesis : source).trim();
    }

    private static String position(JsonLocation location) {
        return "line " + location.getLineNr() + ", column " + location.getColumnNr();
    }

    /** The path of a field of this object, for messages. */
    String path(String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    /** The names of the fields, in the body's order. */
    Set<String> fieldNames() {
        return Collections.unmodifiableSet(fields.keySet());
    }

    /** Whether the field is there and not JSON null. */
    boolean has(String name) {
        return fields.get(name) != null;
    }

    /** Whether the field is the string {@code expected}; any other value or type is simply false. */
    boolean isString(String name, String expected) {
        return expected.equals(fields.get(name));
    }

    /**
     * A string field that must be there and not empty.
     *
     * @throws MalformedMessageException if it is missing, null, not a string or empty
     */
    String string(String name) throws MalformedMessageException {
        String value = optionalString(name);
        if (value == null) {
            throw absent(name);
        }
        return value;
    }

    /**
     * A string field that may be missing: null when it is missing, JSON null or empty.
     *
     * @throws MalformedMessageException if it is there but not a string
     */
    String optionalString(String name) throws MalformedMessageException {
        Object value = fields.get(name);
        if (value == null) {
            return null;
        }
        if (!(value instanceof String)) {
            throw wrongType(name, value, "a string");
        }
        String text = (String) value;
        return text.isEmpty() ? null : text;
    }

    /**
     * A size in bytes that may be missing: {@link ObjectEvent#UNKNOWN_SIZE} when it is missing or
     * JSON null.
     *
     * @throws MalformedMessageException if it is there but not a whole number of bytes
     */
    long optionalSize(String name) throws MalformedMessageException {
        Object value = fields.get(name);
        if (value == null) {
            return ObjectEvent.UNKNOWN_SIZE;
        }
        if (!(value instanceof Integer || value instanceof Long || value instanceof BigInteger)) {
            throw wrongType(name, value, "a whole number of bytes");
        }
        Number number = (Number) value;
        if (value instanceof BigInteger || number.longValue() < 0) {
            throw new MalformedMessageException(
                    path(name) + " is " + number + ", not a size in bytes (a whole number from 0 to " + Long.MAX_VALUE + ")");
        }
        return number.longValue();
    }

    /**
     * An object field that must be there.
     *
     * @throws MalformedMessageException if it is missing, null or not an object
     */
    MessageJson object(String name) throws MalformedMessageException {
        Object value = fields.get(name);
        if (value == null) {
            throw absent(name);
        }
        if (!(value instanceof Map)) {
            throw wrongType(name, value, "an object");
        }
        return new MessageJson(path(name), asFields(value));
    }

    /**
     * An array of objects that must be there; it may be empty.
     *
     * @throws MalformedMessageException if it is missing, null, not an array, or an element is not an object
     */
    List<MessageJson> objects(String name) throws MalformedMessageException {
        Object value = fields.get(name);
        if (value == null) {
            throw absent(name);
        }
        if (!(value instanceof List)) {
            throw wrongType(name, value, "an array");
        }
        List<?> elements = (List<?>) value;
        List<MessageJson> objects = new ArrayList<>(elements.size());
        for (int i = 0; i < elements.size(); i++) {
            String elementPath = path(name) + "[" + i + "]";
            Object element = elements.get(i);
            if (!(element instanceof Map)) {
                throw new MalformedMessageException(elementPath + " is " + describe(element) + ", expected an object");
            }
            objects.add(new MessageJson(elementPath, asFields(element)));
        }
        return objects;
    }

    /** An error about the field, for checks made by the caller. */
    MalformedMessageException invalid(String name, String problem) {
        return new MalformedMessageException(path(name) + " " + problem);
    }

    /** A value for an error message: quoted, and cut short if long. */
    static String quote(String value) {
        return value.length() <= MAX_QUOTED_CHARS
                ? "'" + value + "'"
                : "'" + value.substring(0, MAX_QUOTED_CHARS) + "...' (" + value.length() + " characters)";
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asFields(Object value) {
        return (Map<String, Object>) value;
    }

    private MalformedMessageException absent(String name) {
        if (!fields.containsKey(name)) {
            return new MalformedMessageException(path(name) + " is missing");
        }
        return new MalformedMessageException(path(name) + (fields.get(name) == null ? " is null" : " is empty"));
    }

    private MalformedMessageException wrongType(String name, Object value, String expected) {
        return new MalformedMessageException(path(name) + " is " + describe(value) + ", expected " + expected);
    }

    private static String describe(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof Map) {
            return "an object";
        }
        if (value instanceof List) {
            return "an array";
        }
        if (value instanceof String) {
            return "the string " + quote((String) value);
        }
        if (value instanceof Boolean) {
            return value.toString();
        }
        return "the number " + value;
    }
}
