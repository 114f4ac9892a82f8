"""The Telegram side's words and buttons: cards, summaries, labels, keyboards, and notices as outbox rows."""
