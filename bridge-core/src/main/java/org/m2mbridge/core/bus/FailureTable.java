package org.m2mbridge.core.bus;

import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * One link's failures, by exception type, in order: the first row whose type the failure is an instance of decides
 * its {@link TransportFailure}; a failure no row matches is {@code otherwise}. Wrappers (CompletionException,
 * ExecutionException) are looked through. Rows are checked when the table is built: a row that an earlier row
 * always shadows (its type is a subtype of an earlier row's) is a mistake in the table and refused.
 */
public final class FailureTable {

    /** Failures of {@code type} (and its subtypes) are {@code failure}. */
    public record Row(Class<? extends Throwable> type, TransportFailure failure) {
    }

    private final List<Row> rows;
    private final TransportFailure otherwise;

    public FailureTable(TransportFailure otherwise, List<Row> rows) {
        for (int i = 0; i < rows.size(); i++) {
            for (int j = 0; j < i; j++) {
                if (rows.get(j).type().isAssignableFrom(rows.get(i).type())) {
                    throw new IllegalArgumentException(rows.get(i).type().getName() + " can never match: "
                            + rows.get(j).type().getName() + " comes first");
                }
            }
        }
        this.rows = List.copyOf(rows);
        this.otherwise = otherwise;
    }

    public static Row row(Class<? extends Throwable> type, TransportFailure failure) {
        return new Row(type, failure);
    }

    /** What {@code failure} (or the failure it wraps) is; {@code otherwise} for null or an unknown type. */
    public TransportFailure classify(Throwable failure) {
        int row = rowOf(failure);
        return row < 0 ? otherwise : rows.get(row).failure();
    }

    /** Index of the row that decides {@code failure} (or the failure it wraps); -1 when none does. */
    public int rowOf(Throwable failure) {
        Throwable t = unwrap(failure);
        for (int i = 0; t != null && i < rows.size(); i++) {
            if (rows.get(i).type().isInstance(t)) {
                return i;
            }
        }
        return -1;
    }

    /** The rows, in the order they are tried. */
    public List<Row> rows() {
        return rows;
    }

    public TransportFailure otherwise() {
        return otherwise;
    }

    /** {@code failure} without its CompletionException / ExecutionException wrappers. */
    public static Throwable unwrap(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
