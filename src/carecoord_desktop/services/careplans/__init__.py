"""Care plans: the plan as a whole draft, its versions and diff, reviews, observations against
goals, templates, completeness rule packs and the FHIR export.

The public surface, by module:
- plans: create_plan, load_plan, reread_plan, save_plan, list_plans, versions, version_draft, diff
- drafts: autosave_draft, load_autosave, discard_autosave, plans_with_autosave
- reviews: start_review, complete_review, change_intensity, record_agreement, record_copy,
  reviews_due (a plain query for the task board)
- observations: add_observation, list_observations, goal_progress
- templates: list_templates, start_plan_from_templates, copy_template, update_template,
  retire_template, combine
- packs: list_packs, check_plan, check_saved_plan, chosen_packs, choose_packs
- types: the plain dataclasses all of these take and return
"""
