"""The consultation as a Home Assistant conversation agent, over the Wyoming protocol.

Home Assistant's Wyoming integration opens a connection for every turn and sends a
``transcript`` (the person's words, with a ``context`` holding its ``conversation_id``); the
service answers ``handled`` with everything the assistant says next, or ``not-handled`` when
the words start no consultation and belong to none. Laid out as the path of a turn:
``protocol.py`` (bounded event reading), ``server.py`` (connections), ``handle.py`` (a turn to a
reply), ``conversations.py`` (the consultations in progress), ``starts.py`` (start phrases),
``settings.py`` (where it listens and how much it holds).
"""
