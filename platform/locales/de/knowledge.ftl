# The knowledge base on the portal: search, article page, comments and likes.

knowledge-title = Wissensdatenbank
knowledge-search-articles = Artikel durchsuchen
knowledge-type = Typ
# { $count } hits for the search words { $query }.
knowledge-results = { $count ->
    [one] { $count } Ergebnis
   *[other] { $count } Ergebnisse
    } für „{ $query }“
# Shown for a hit whose title the reader may not see.
knowledge-article = Artikel
# Followed by a link (knowledge-ask-support) and knowledge-nothing-matches-end.
knowledge-nothing-matches = Keine Treffer. Versuchen Sie es mit anderen Wörtern, oder
knowledge-ask-support = fragen Sie das Support-Team
knowledge-nothing-matches-end = .
knowledge-previous = Zurück
knowledge-next = Weiter
knowledge-latest-articles = Neueste Artikel
knowledge-more = Mehr
knowledge-no-articles = Noch keine Artikel.
knowledge-popular-articles = Beliebte Artikel

## Article page
# { $date } is a date and time.
knowledge-published-on = Veröffentlicht am { $date }
knowledge-updated-on = aktualisiert am { $date }
knowledge-views = { $count ->
    [one] { $count } Aufruf
   *[other] { $count } Aufrufe
    }
knowledge-files = Dateien
knowledge-article-like = ♡ Gefällt mir
knowledge-article-liked = ♥ Gefällt mir
knowledge-comments = Kommentare
# Marks a comment that was changed after it was published.
knowledge-edited = bearbeitet
knowledge-comment-like = Gefällt mir
knowledge-comment-unlike = Gefällt mir nicht mehr
knowledge-edit = Bearbeiten
knowledge-no-comments = Noch keine Kommentare.
knowledge-your-comment = Ihr Kommentar
knowledge-publish = Veröffentlichen

## Notices after an action
knowledge-comment-published = Veröffentlicht.
knowledge-comment-changed = Kommentar geändert.
knowledge-comment-deleted = Kommentar gelöscht.
knowledge-liked = Als „Gefällt mir“ markiert.
knowledge-like-removed = „Gefällt mir“ entfernt.

## Errors (field errors follow the field's name, hence lowercase)
knowledge-comment-length = muss 1 bis 5000 Zeichen lang sein
knowledge-query-too-long = darf höchstens 200 Zeichen lang sein
knowledge-page-range = muss zwischen 0 und 1000 liegen

## Readers' answers and suggestions
knowledge-was-it-helpful = War das hilfreich?
knowledge-helpful-yes = Ja
knowledge-helpful-no = Nein
knowledge-helpful-count = { $total ->
    [0] Noch hat niemand geantwortet.
   *[other] { $yes } von { $total } fanden es hilfreich.
    }
knowledge-vote-thanks = Vielen Dank für Ihre Antwort.
knowledge-vote-invalid = muss Ja oder Nein sein
knowledge-related = Verwandte Artikel
knowledge-no-related = Keine verwandten Artikel.
knowledge-suggestions = Diese Artikel beantworten vielleicht Ihre Frage (sie öffnen sich in einem neuen Tab)
knowledge-insights = Wissensdatenbank, letzte 30 Tage
knowledge-insights-helpful = { $yes } fanden einen Artikel hilfreich, { $no } nicht.
knowledge-insights-deflected = { $opened } vorgeschlagene Artikel beim Schreiben eines Falls geöffnet; nach { $deflected } davon wurde kein Fall eingereicht.
knowledge-type-cycle = darf nicht der Typ selbst oder einer seiner Untertypen sein
knowledge-type-too-deep = würde den Baum der Typen tiefer als { $max } Ebenen machen
knowledge-subject-too-long = darf höchstens 250 Zeichen lang sein
