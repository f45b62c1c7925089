"""Step handlers of the CSV batch example (Batchable classes and a DSL aggregator)."""
