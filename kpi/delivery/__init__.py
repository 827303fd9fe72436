"""Delivery: the closed month mailed to each reader (`send`) and alerts to owners and webhooks.

A layer of its own between the front ends (cli, ui) and the store: it reads the store (the deck,
the attention list, the delivery log), draws the packs (kpi.output) and talks to the network
(SMTP, webhooks), which the store never does, so that no write transaction waits on a mail server.
"""
