package org.m2mbridge.core.budget;

/** Why the bridge closed a connection to protect its memory; the label of {@code m2mbridge_load_shed_total}. */
public enum ShedReason {
    /** The process-wide inbound budget ({@code limits.inboundBudgetBytes}) was spent: the largest holder goes. */
    MEMORY_BUDGET("memory_budget"),
    /** A message was not received whole within {@code limits.messageAssemblyTimeout}. */
    ASSEMBLY_TIMEOUT("assembly_timeout");

    private final String label;

    ShedReason(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
