"""digest-bot's platform-free core: commands, replies, announcer, config and CLI."""
