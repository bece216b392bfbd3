## The bell and the notifications page
notifications-title = Benachrichtigungen
notifications-which = Welche Benachrichtigungen
notifications-all = Alle
notifications-unread = Ungelesen
notifications-new = neu
notifications-mark-all-read = Alle als gelesen markieren
notifications-all-read = Alle Benachrichtigungen sind als gelesen markiert.
notifications-none = Noch nichts. Hier erfahren Sie von Antworten auf Ihre Fälle, Genehmigungen, die auf Sie warten, Entscheidungen über Ihre Anträge, Erwähnungen und Neuem zu Datensätzen, denen Sie folgen.
notifications-older = Ältere Benachrichtigungen
notifications-unread-count = { $count ->
    [one] ungelesene Benachrichtigung
   *[other] ungelesene Benachrichtigungen
    }
notifications-line = { $kind ->
    [reply] { $actor } hat geantwortet: { $object } { $title }
    [approval] { $actor } bittet um Ihre Genehmigung: { $object } { $title }
    [decision] { $actor } hat über Ihren Antrag entschieden: { $object } { $title }
    [mention] { $actor } hat Sie erwähnt: { $object } { $title }
   *[activity] { $actor } hat geschrieben: { $object } { $title } (Sie folgen)
    }
notifications-by-email = Auch per E-Mail
notifications-by-email-hint = Schicken Sie mir auch eine E-Mail bei:
notifications-kind = { $kind ->
    [reply] Antworten auf meine Fälle und Anträge
    [approval] Genehmigungen, die auf mich warten
    [decision] Entscheidungen über meine Anträge
    [mention] Erwähnungen von mir
   *[activity] Neuem zu Datensätzen, denen ich folge
    }
notifications-settings-saved = Ihre E-Mail-Einstellungen sind gespeichert.
notifications-too-many-followers = Diesem Datensatz folgen bereits { $max } Personen, so viele wie möglich.

## The feed under a record
feed-title = Feed
feed-follow = Folgen
feed-unfollow = Nicht mehr folgen
feed-follow-hint = Folgen Sie diesem Datensatz, um von seinen Antworten und Kommentaren zu erfahren.
feed-following-hint = Sie folgen diesem Datensatz: seine Antworten und Kommentare erscheinen in Ihren Benachrichtigungen.
feed-followed = Sie folgen diesem Datensatz jetzt.
feed-unfollowed = Sie folgen diesem Datensatz nicht mehr.
feed-edit-comment = Ihr Kommentar
feed-mention-hint = Um jemanden zu erwähnen, der diesen Datensatz lesen darf, schreiben Sie @ und seine E-Mail-Adresse; er wird benachrichtigt.
feed-find-person = Jemanden zum Erwähnen finden
feed-nobody-found = Niemand gefunden, der diesen Datensatz lesen darf.
notifications-too-many-ids = höchstens { $max } auf einmal
