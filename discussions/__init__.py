"""Discussions: spaces, topics, posts, moderation, subscriptions and digests."""
