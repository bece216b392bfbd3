## The tenant's branding (console page, and what it refuses)

branding-nav = Branding
branding-title = Branding
branding-intro = How your portal looks to your customers and partners: its title, colours, logo and icon, on every page, the login page, error pages, and when it is installed on a phone.
branding-look = Title and colours
branding-portal-title = Portal title
branding-primary = Primary colour
branding-accent = Accent colour
branding-colour-hint = A colour as #rrggbb. White text on it, and it as text on white, must reach a contrast of { $needed }:1 (WCAG AA).
branding-accent-hint = Links and highlights; empty for the primary colour.
branding-logo = Logo
branding-current-logo = The current logo
branding-no-logo = No logo: the portal shows its title's initial.
branding-logo-file = Logo file
branding-logo-hint = PNG, JPEG or SVG, at most { $kb } KB; shown scaled to fit { $width }×{ $height } pixels, keeping its proportions.
branding-favicon = Browser and app icon
branding-favicon-file = Icon file
branding-favicon-hint = PNG or SVG, at most { $kb } KB, ideally square.
branding-upload = Upload
branding-remove-logo = Remove the logo
branding-remove-favicon = Remove the icon
branding-saved = Branding saved.
branding-choose-file = choose a file
branding-colour-format = must be a colour as #rrggbb, e.g. #1f4e8c
branding-colour-contrast = has a contrast of { $ratio }:1 with white; WCAG AA needs { $needed }:1 for text: choose a darker colour
branding-image-too-large = must be at most { $kb } KB
branding-image-type = must be a PNG, JPEG or SVG image
branding-image-unreadable = could not be read as an image
branding-svg-refused = is refused: an SVG may not contain { $reason } (nothing that runs code or loads anything from elsewhere)
branding-svg-size = needs a size: give the SVG width and height, or a viewBox
branding-login-page = Login page
branding-contacts = Contact options
branding-contacts-hint = Shown on the login page: who to call or write to, e.g. Support and its phone number.
branding-contact-example = Support
branding-contact-phone-or-email = Phone or e-mail
branding-contact-us = Contact us
branding-links = Useful links
branding-link-example = Official website
branding-too-many = at most { $max } entries
branding-contact-value = must be a phone number or an e-mail address
branding-link-url = must be a web address starting with https:// or http://

## The portal menu
branding-menu = Portal menu
branding-menu-hint = Choose the sections the portal's menu shows, and their order (1 first). Each user sees only those they may read; Home, More and Profile are always there.
branding-menu-section = Section
branding-menu-shown = Shown
branding-menu-position = Position
branding-menu-reset = Show every section
# { $entry } is what was sent.
branding-menu-unknown = “{ $entry }” is not a section the menu can show, or is there twice
