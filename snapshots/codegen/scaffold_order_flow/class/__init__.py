"""Step handlers of the order_flow task template (tasker-ctl scaffold)."""
