# The partner portal: partnerships, partner programs, leads and opportunities.

partners-program = Partner program
partners-leads = Leads
partners-opportunities = Opportunities
partners-no-account = Choose the partner's account.
partners-account-without-organization = This account has no portal organization yet: create one for it first (Portal organizations), then its partnership.
partners-one-partnership = This partner already has a partnership; a partner has only one.
partners-due-before-start = The due date is before the start date.
partners-tier-of-another-type = This level belongs to another type of partner.
partners-no-tier = No level yet
# The figures a recalculation used, kept in the partnership's history.
partners-figures = { $leads } leads, { $won } won opportunities worth { $amount }, { $certified } certified experts
partners-moved-up = Moved up from { $from } to { $to } with { $points } points
partners-points-changed = Points toward the next level: { $from } → { $to } (level: { $tier })
partners-current-tier = Current level
partners-points = Points
partners-points-to-go = { $points ->
    [one] { $points } more point to reach { $tier }
   *[other] { $points } more points to reach { $tier }
    }
partners-top-tier = You have reached the highest level.
partners-next-conditions = Conditions for { $tier }
partners-condition-points = { $points } points
partners-fulfilled = Fulfilled
partners-benefits = Your benefits
partners-no-benefits = This level has no benefits listed.
partners-figures-title = Your figures this period
partners-period = Period: { $from } to { $to }
partners-leads-registered = Leads registered
partners-won-count = Opportunities won
partners-won-amount = Won amount
partners-certified-experts = Certified experts
partners-trainings = Trainings and certifications
partners-no-trainings = No trainings recorded yet.
partners-certified = Certified
partners-history = History
partners-no-program = Your organization has no active partner program yet. Your contact at { $tenant } can set one up.
partners-register-lead = Register a lead
partners-see-program = See your partner program
partners-analytics = Your sales
partners-won-by-month = Won per month
partners-nothing-yet = Nothing yet
partners-account-not-partner = A partnership is for an account of type Partner: change the account's type first.
