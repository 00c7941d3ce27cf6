"""Search over everything the analysis knows about a project's takes.

* :mod:`~roughcut.search.records`: :class:`SearchRecord`, one stretch of a take (a line performed,
  or words said off the script) with its scene, speaker, words heard, persons on screen, shot size and
  emotion; :func:`records_from_analysis` makes them from the cached analysis.
* :mod:`~roughcut.search.index`: :class:`SearchIndex`, SQLite FTS5 (porter stemming) beside the
  analysis store, typo-tolerant through rapidfuzz; :class:`SearchResult` of :class:`SearchHit`.
* :mod:`~roughcut.search.bin`: hits as an OTIO bin of subclips or markers.
* :mod:`~roughcut.search.log`: the per-take log (CSV, ALE, OTIO) with the same fields.
"""

from roughcut.search.index import SearchHit, SearchIndex, SearchResult, parse_query
from roughcut.search.records import SearchRecord, records_from_analysis

__all__ = ["SearchHit", "SearchIndex", "SearchRecord", "SearchResult", "parse_query", "records_from_analysis"]
