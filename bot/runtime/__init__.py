"""The running parts: intake lanes, the outbox sender, the limits."""
