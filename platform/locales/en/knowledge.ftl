# The knowledge base on the portal: search, article page, comments and likes.

knowledge-title = Knowledge base
knowledge-search-articles = Search articles
knowledge-type = Type
# { $count } hits for the search words { $query }.
knowledge-results = { $count ->
    [one] { $count } result
   *[other] { $count } results
    } for “{ $query }”
# Shown for a hit whose title the reader may not see.
knowledge-article = Article
# Followed by a link (knowledge-ask-support) and knowledge-nothing-matches-end.
knowledge-nothing-matches = Nothing matches. Try other words, or
knowledge-ask-support = ask the support team
knowledge-nothing-matches-end = .
knowledge-previous = Previous
knowledge-next = Next
knowledge-latest-articles = Latest articles
knowledge-more = More
knowledge-no-articles = No articles yet.
knowledge-popular-articles = Popular articles

## Article page
# { $date } is a date and time.
knowledge-published-on = Published { $date }
knowledge-updated-on = updated { $date }
knowledge-views = { $count ->
    [one] { $count } view
   *[other] { $count } views
    }
knowledge-files = Files
knowledge-article-like = ♡ Like
knowledge-article-liked = ♥ Liked
knowledge-comments = Comments
# Marks a comment that was changed after it was published.
knowledge-edited = edited
knowledge-comment-like = Like
knowledge-comment-unlike = Unlike
knowledge-edit = Edit
knowledge-no-comments = No comments yet.
knowledge-your-comment = Your comment
knowledge-publish = Publish

## Notices after an action
knowledge-comment-published = Published.
knowledge-comment-changed = Comment changed.
knowledge-comment-deleted = Comment deleted.
knowledge-liked = Liked.
knowledge-like-removed = Like removed.

## Errors (field errors follow the field's name, hence lowercase)
knowledge-comment-length = must be 1 to 5000 characters long
knowledge-query-too-long = must be at most 200 characters long
knowledge-page-range = must be from 0 to 1000

## Readers' answers and suggestions
knowledge-was-it-helpful = Was this helpful?
knowledge-helpful-yes = Yes
knowledge-helpful-no = No
# { $yes } of { $total } readers answered yes.
knowledge-helpful-count = { $total ->
    [0] Nobody has answered yet.
   *[other] { $yes } of { $total } found it helpful.
    }
knowledge-vote-thanks = Thank you for your answer.
knowledge-vote-invalid = must be yes or no
knowledge-related = Related articles
knowledge-no-related = No related articles.
knowledge-suggestions = These articles may answer your question (they open in a new tab)
knowledge-insights = Knowledge base, last 30 days
knowledge-insights-helpful = { $yes } found an article helpful, { $no } did not.
knowledge-insights-deflected = { $opened } suggested articles opened while writing a case; after { $deflected } of them, no case was filed.
knowledge-type-cycle = cannot be the type itself or one of its subtypes
knowledge-type-too-deep = would make the tree of types deeper than { $max } levels
knowledge-subject-too-long = must be at most 250 characters long
