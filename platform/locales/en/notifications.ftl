## The bell and the notifications page
notifications-title = Notifications
notifications-which = Which notifications
notifications-all = All
notifications-unread = Unread
notifications-new = new
notifications-mark-all-read = Mark all as read
notifications-all-read = All notifications are marked as read.
notifications-none = Nothing yet. You hear here of replies to your cases, approvals waiting for you, decisions on your requests, mentions, and news of the records you follow.
notifications-older = Older notifications
# { $count } unread notifications, read out after the bell's number.
notifications-unread-count = { $count ->
    [one] unread notification
   *[other] unread notifications
    }
# One notification: { $actor } did something to { $title }, a record of { $object }.
notifications-line = { $kind ->
    [reply] { $actor } replied on { $object } { $title }
    [approval] { $actor } asks for your approval of { $object } { $title }
    [decision] { $actor } decided on your { $object } { $title }
    [mention] { $actor } mentioned you on { $object } { $title }
   *[activity] { $actor } wrote on { $object } { $title }, which you follow
    }
notifications-by-email = Also by e-mail
notifications-by-email-hint = Send me an e-mail too for:
notifications-kind = { $kind ->
    [reply] Replies to my cases and requests
    [approval] Approvals waiting for me
    [decision] Decisions on my requests
    [mention] Mentions of me
   *[activity] News of records I follow
    }
notifications-settings-saved = Your e-mail choices are saved.
notifications-too-many-followers = This record has { $max } followers already, as many as it may have.

## The feed under a record
feed-title = Feed
feed-follow = Follow
feed-unfollow = Stop following
feed-follow-hint = Follow this record to hear of its replies and comments.
feed-following-hint = You follow this record: its replies and comments come to your notifications.
feed-followed = You follow this record now.
feed-unfollowed = You no longer follow this record.
feed-edit-comment = Your comment
feed-mention-hint = To mention someone who may read this record, write @ and their e-mail address; they are notified.
feed-find-person = Find someone to mention
feed-nobody-found = Nobody found who may read this record.
notifications-too-many-ids = at most { $max } at once
