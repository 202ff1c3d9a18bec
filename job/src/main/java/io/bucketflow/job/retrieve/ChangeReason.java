package io.bucketflow.job.retrieve;

/** Why retrieve downloads an object: how the destination differs from it. */
public enum ChangeReason {
    /** No file at the object's path. */
    NEW("new"),
    /** The file's size differs from the object's. */
    SIZE("size differs"),
    /** Same size, but the file's modification time differs from the object's LastModified. */
    TIME("time differs");

    private final String label;

    ChangeReason(String label) {
        this.label = label;
    }

    /** How the dry run says it. */
    public String label() {
        return label;
    }
}
