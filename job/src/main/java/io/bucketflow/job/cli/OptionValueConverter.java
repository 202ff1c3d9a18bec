package io.bucketflow.job.cli;

import io.bucketflow.job.OptionValue;
import java.util.Arrays;
import java.util.stream.Collectors;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads an {@link OptionValue} enum by its command-line spelling, such as {@code at-least-once}. */
final class OptionValueConverter<E extends Enum<E> & OptionValue> implements ITypeConverter<E> {
    private final Class<E> type;

    OptionValueConverter(Class<E> type) {
        this.type = type;
    }

    @Override
    public E convert(String value) {
        for (E constant : type.getEnumConstants()) {
            if (constant.optionValue().equals(value)) {
                return constant;
            }
        }
        throw new TypeConversionException("'" + value + "' is not one of " + spellings());
    }

    private String spellings() {
        return Arrays.stream(type.getEnumConstants())
                .map(OptionValue::optionValue)
                .collect(Collectors.joining(", "));
    }
}
