enum _EmbeddedPostgresPending {}
