"""Document metadata: the dates a PDF states, and the XMP packet that identifies it as PDF/UA-1.

Dates mean something and stay reproducible: SOURCE_DATE_EPOCH when it is set (the
reproducible-builds convention), otherwise the handout's published date (the
layout's `published="YYYY-MM-DD"`), otherwise ReportLab's fixed 2000-01-01.
"""

from __future__ import annotations

import calendar
import os
import time
from datetime import date
from xml.sax.saxutils import escape


class FixedTime:
    """What ReportLab reads from its TimeStamp: seconds, broken-down UTC time, zero offset."""

    def __init__(self, seconds: float):
        self.t = seconds
        self.lt = time.gmtime(seconds)
        self.YMDhms = tuple(self.lt)[:6]
        self.dhh = self.dmm = 0
        self.tzname = "UTC"


def document_time(published: str | None) -> FixedTime | None:
    """The time the PDF states, or None to keep ReportLab's (SOURCE_DATE_EPOCH or 2000-01-01)."""
    if os.environ.get("SOURCE_DATE_EPOCH", "").strip():
        return None
    if not published:
        return None
    try:
        day = date.fromisoformat(published.strip())
    except ValueError:
        return None  # a template bug; the content loader has already checked the handout's date
    return FixedTime(calendar.timegm(day.timetuple()))


def iso(seconds: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))


def xmp(*, title: str, lang: str, author: str, subject: str, keywords: str, producer: str, creator_tool: str,
        seconds: float) -> bytes:
    """An XMP packet with dc:title, dc:language, dates and pdfuaid:part 1 (ISO 14289-1, 5)."""
    e = lambda s: escape(s or "", {'"': "&quot;"})  # noqa: E731
    when = iso(seconds)
    creator = f"<dc:creator><rdf:Seq><rdf:li>{e(author)}</rdf:li></rdf:Seq></dc:creator>" if author else ""
    description = (f'<dc:description><rdf:Alt><rdf:li xml:lang="x-default">{e(subject)}</rdf:li>'
                   f'<rdf:li xml:lang="{e(lang)}">{e(subject)}</rdf:li></rdf:Alt></dc:description>') if subject else ""
    packet = f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:pdf="http://ns.adobe.com/pdf/1.3/"
    xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">
   <dc:format>application/pdf</dc:format>
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{e(title)}</rdf:li><rdf:li xml:lang="{e(lang)}">{e(title)}</rdf:li></rdf:Alt></dc:title>
   <dc:language><rdf:Bag><rdf:li>{e(lang)}</rdf:li></rdf:Bag></dc:language>
   {creator}
   {description}
   <pdf:Producer>{e(producer)}</pdf:Producer>
   <pdf:Keywords>{e(keywords)}</pdf:Keywords>
   <xmp:CreatorTool>{e(creator_tool)}</xmp:CreatorTool>
   <xmp:CreateDate>{when}</xmp:CreateDate>
   <xmp:ModifyDate>{when}</xmp:ModifyDate>
   <xmp:MetadataDate>{when}</xmp:MetadataDate>
   <pdfuaid:part>1</pdfuaid:part>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""
    return packet.encode("utf-8")
