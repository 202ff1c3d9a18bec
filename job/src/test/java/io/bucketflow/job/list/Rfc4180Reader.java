package io.bucketflow.job.list;

import java.util.ArrayList;
import java.util.List;

/** A minimal RFC 4180 reader for tests, written independently of the encoder. */
final class Rfc4180Reader {
    private Rfc4180Reader() {}

    /** The records of a CRLF-terminated document, each as its list of fields. */
    static List<List<String>> records(String document) {
        List<List<String>> records = new ArrayList<>();
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < document.length(); i++) {
            char c = document.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < document.length() && document.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                fields.add(field.toString());
                field.setLength(0);
            } else if (c == '\r' && i + 1 < document.length() && document.charAt(i + 1) == '\n') {
                fields.add(field.toString());
                field.setLength(0);
                records.add(fields);
                fields = new ArrayList<>();
                i++;
            } else {
                field.append(c);
            }
        }
        if (quoted || field.length() > 0 || !fields.isEmpty()) {
            throw new IllegalArgumentException("document does not end with a complete CRLF-terminated record");
        }
        return records;
    }
}
