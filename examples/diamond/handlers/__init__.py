"""Step handlers of the customer onboarding example (functional DSL, one async)."""
