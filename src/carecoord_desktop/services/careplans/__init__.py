"""Care plans: the plan as a whole draft, its versions and diff, reviews, observations against
goals, templates, completeness rule packs and the FHIR export.

The public surface, by module (each function takes `ws, actor` first, checks the role, audits):
- plans: create_plan, load_plan, reread_plan, save_plan, list_plans, versions, version_draft, diff
- drafts: autosave_draft, load_autosave, discard_autosave, plans_with_autosave
- reviews: start_review, complete_review, change_intensity, record_agreement, record_copy,
  reviews_due (a plain query on a session, for the task board)
- observations: add_observation, list_observations, goal_progress (progress_of: pure)
- templates: list_templates, suggested_templates, template_data, start_plan_from_templates,
  copy_template, update_template, retire_template (combine.combine: the pure merging)
- packs: check_plan (pure), check_saved_plan, list_packs, pack, chosen_packs, choose_packs
- fhir_export: export_fhir, current_plan_id
- samples: large_draft (30 goals + 30 interventions, for benchmarks)
- types: the plain dataclasses all of these take and return
"""
