"""Step handlers of the refund approval example (a class handler and DSL handlers)."""
