"""The domain model: scenario schema, threat catalogue, trajectory shapes and geography;
it validates and converts user input into the core's arrays and tuples."""
