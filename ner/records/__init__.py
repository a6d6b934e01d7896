"""Entities -> project records. ``text`` (sentences, clauses, project names) and ``cues`` (amount roles,
stage, date) read the article; ``build`` makes the records (``build_records``), per sentence, and
``article`` consolidates them per article, with ``background`` (figures of no project, history),
``parties`` (companies), ``sites`` (places) and ``edits`` (record changes and their links); ``links``
turns records into annotation relations and back; ``evaluate`` scores records against gold."""
