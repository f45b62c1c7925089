"""Step handlers of the order pipeline example (class-based and DSL)."""
