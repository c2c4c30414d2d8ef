"""Downloader and spider middlewares: one small class per module.

Settings refer to them by their full path (e.g. ``crawler.middlewares.encoding.EncodingFixMiddleware``).
"""
