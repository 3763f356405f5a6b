"""Click commands, one module each; `specc.cli` assembles them into the `specc` group."""
