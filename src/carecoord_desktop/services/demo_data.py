"""The synthetic practice's vocabulary: chronic conditions with SNOMED CT codes and the
medicines that go with them, allergies, names, places, languages, care providers, hospitals
and reasons for admission. Data only; services/demo.py draws from it."""

from __future__ import annotations

from dataclasses import dataclass

from carecoord_desktop.models.staff import Role

# -- clinical tables -----------------------------------------------------------------------------
# Age bands for prevalence: <40, 40-59, 60-74, 75-84, 85+. Rough Australian general-practice
# figures, inflated a little because a chronic-care practice sees the multi-morbid more.
BAND_LIMITS = (40, 60, 75, 85)
MAX_CONDITIONS = 5


@dataclass(frozen=True)
class Chronic:
    key: str
    code: str  # SNOMED CT
    display: str
    min_onset_age: int
    prevalence: tuple[float, float, float, float, float]


# Aligned tables read better than what the formatter would make of them.
# fmt: off
# Ordered by prescribing priority: when two conditions call for drugs of one class (a beta
# blocker for heart failure and for AF), the first condition's choice is kept.
CONDITIONS = (
    Chronic("ihd", "414545008", "Ischaemic heart disease", 35, (.002, .03, .10, .17, .22)),
    Chronic("hf", "84114007", "Heart failure", 40, (.001, .01, .04, .10, .18)),
    Chronic("af", "49436004", "Atrial fibrillation", 40, (.001, .01, .05, .12, .18)),
    Chronic("t2dm", "44054006", "Type 2 diabetes mellitus", 25, (.02, .08, .18, .22, .20)),
    Chronic("htn", "59621000", "Essential hypertension", 25, (.04, .20, .42, .55, .60)),
    Chronic("ckd", "709044004", "Chronic kidney disease", 30, (.005, .03, .10, .20, .30)),
    Chronic("copd", "13645005", "Chronic obstructive pulmonary disease", 40,
             (.005, .03, .08, .12, .12)),
    Chronic("asthma", "195967001", "Asthma", 3, (.11, .10, .10, .09, .08)),
    Chronic("depression", "35489007", "Depressive disorder", 12, (.12, .12, .10, .10, .10)),
    Chronic("oa", "396275006", "Osteoarthritis", 40, (.02, .12, .30, .40, .45)),
    Chronic("dementia", "52448006", "Dementia", 60, (0.0, .002, .02, .08, .25)),
)

# id: (class, name, dose, route, frequency); the class keeps one drug per class per patient.
Med = tuple[str, str, str, str, str]
MEDS: dict[str, Med] = {
    "metformin": ("biguanide", "Metformin", "500 mg", "oral", "twice daily with meals"),
    "metformin_xr": ("biguanide", "Metformin XR", "1000 mg", "oral",
                     "once daily with evening meal"),
    "empagliflozin": ("sglt2", "Empagliflozin", "10 mg", "oral", "once daily"),
    "gliclazide": ("sulfonylurea", "Gliclazide MR", "60 mg", "oral", "once daily with breakfast"),
    "atorvastatin_20": ("statin", "Atorvastatin", "20 mg", "oral", "once daily at night"),
    "atorvastatin_40": ("statin", "Atorvastatin", "40 mg", "oral", "once daily at night"),
    "aspirin": ("antiplatelet", "Aspirin", "100 mg", "oral", "once daily"),
    "gtn": ("nitrate", "Glyceryl trinitrate", "400 microgram/dose spray", "sublingual",
            "when required for chest pain"),
    "metoprolol": ("beta-blocker", "Metoprolol succinate", "47.5 mg", "oral", "once daily"),
    "bisoprolol": ("beta-blocker", "Bisoprolol", "2.5 mg", "oral", "once daily"),
    "furosemide": ("loop", "Furosemide", "40 mg", "oral", "once daily in the morning"),
    "spironolactone": ("mra", "Spironolactone", "25 mg", "oral", "once daily"),
    "sacubitril_valsartan": ("raas", "Sacubitril/valsartan", "49/51 mg", "oral", "twice daily"),
    "perindopril": ("raas", "Perindopril arginine", "5 mg", "oral", "once daily"),
    "candesartan": ("raas", "Candesartan", "16 mg", "oral", "once daily"),
    "amlodipine": ("ccb", "Amlodipine", "5 mg", "oral", "once daily"),
    "apixaban": ("anticoagulant", "Apixaban", "5 mg", "oral", "twice daily"),
    "apixaban_reduced": ("anticoagulant", "Apixaban", "2.5 mg", "oral", "twice daily"),
    "rivaroxaban": ("anticoagulant", "Rivaroxaban", "20 mg", "oral",
                    "once daily with evening meal"),
    "digoxin": ("digoxin", "Digoxin", "62.5 microgram", "oral", "once daily"),
    "tiotropium": ("lama", "Tiotropium", "2.5 microgram/actuation, 2 puffs", "inhaled",
                   "once daily"),
    "salbutamol": ("saba", "Salbutamol", "100 microgram/actuation, 2 puffs", "inhaled",
                   "when required for breathlessness"),
    "budesonide_formoterol": ("ics", "Budesonide/formoterol", "200/6 microgram/actuation, "
                              "2 puffs", "inhaled", "twice daily"),
    "fluticasone": ("ics", "Fluticasone propionate", "125 microgram/actuation, 2 puffs",
                    "inhaled", "twice daily"),
    "sertraline": ("antidepressant", "Sertraline", "50 mg", "oral", "once daily"),
    "escitalopram": ("antidepressant", "Escitalopram", "10 mg", "oral", "once daily"),
    "mirtazapine": ("antidepressant", "Mirtazapine", "15 mg", "oral", "once daily at night"),
    "paracetamol_mr": ("paracetamol", "Paracetamol modified release", "1330 mg", "oral",
                       "three times daily"),
    "paracetamol": ("paracetamol", "Paracetamol", "1 g", "oral",
                    "up to four times daily when required"),
    "meloxicam": ("nsaid", "Meloxicam", "7.5 mg", "oral", "once daily with food"),
    "donepezil": ("cholinesterase", "Donepezil", "10 mg", "oral", "once daily at night"),
}

# condition: ([(weight, first-line regimen), ...], [(probability, add-on), ...])
REGIMEN_IDS: dict[str, tuple[list[tuple[float, tuple[str, ...]]], list[tuple[float, str]]]] = {
    "ihd": ([(1.0, ("atorvastatin_40", "aspirin"))], [(.5, "gtn"), (.4, "metoprolol")]),
    "hf": ([(.7, ("furosemide", "bisoprolol", "perindopril")),
            (.3, ("furosemide", "bisoprolol", "sacubitril_valsartan"))],
           [(.5, "spironolactone")]),
    "af": ([(.6, ("apixaban",)), (.3, ("rivaroxaban",)), (.1, ())],
           [(.5, "metoprolol"), (.1, "digoxin")]),
    "t2dm": ([(.7, ("metformin",)), (.3, ("metformin_xr",))],
             [(.35, "empagliflozin"), (.2, "gliclazide"), (.6, "atorvastatin_20")]),
    "htn": ([(.4, ("perindopril",)), (.25, ("amlodipine",)), (.15, ("candesartan",)),
             (.2, ("perindopril", "amlodipine"))], []),
    "ckd": ([(.6, ()), (.4, ("candesartan",))], []),
    "copd": ([(1.0, ("tiotropium", "salbutamol"))], []),
    "asthma": ([(.6, ("budesonide_formoterol",)), (.4, ("fluticasone", "salbutamol"))], []),
    "depression": ([(.5, ("sertraline",)), (.35, ("escitalopram",)), (.15, ("mirtazapine",))],
                   []),
    "oa": ([(.6, ("paracetamol_mr",)), (.4, ("paracetamol",))], [(.1, "meloxicam")]),
    "dementia": ([(.5, ("donepezil",)), (.5, ())], []),
}

# Earlier treatment, now stopped (status "stopped", as a FHIR MedicationStatement says).
STOPPED = (
    ("Ibuprofen", "400 mg", "oral", "three times daily with food"),
    ("Simvastatin", "20 mg", "oral", "once daily at night"),
    ("Omeprazole", "20 mg", "oral", "once daily"),
    ("Temazepam", "10 mg", "oral", "at night when required"),
)

# (substance, reaction, severity, weight); severity uses FHIR's mild | moderate | severe.
ALLERGIES = (
    ("Penicillin", "Rash", "mild", 30),
    ("Amoxicillin", "Urticaria", "moderate", 10),
    ("Sulfonamide antibiotics", "Rash", "moderate", 10),
    ("Codeine", "Nausea and vomiting", "mild", 12),
    ("Morphine", "Itch", "mild", 5),
    ("Peanuts", "Anaphylaxis", "severe", 6),
    ("Shellfish", "Urticaria", "moderate", 5),
    ("Bee venom", "Anaphylaxis", "severe", 3),
    ("Latex", "Contact dermatitis", "mild", 4),
    ("Cefalexin", "Rash", "mild", 4),
    ("Trimethoprim", "Rash", "mild", 4),
    ("Erythromycin", "Abdominal pain", "mild", 3),
)

# -- people and places ---------------------------------------------------------------------------
# (lowest age, highest age, weight): a chronic-care list is older than the population.
AGE_BANDS = ((18, 39, 14), (40, 59, 22), (60, 74, 34), (75, 84, 20), (85, 98, 10))
# The ACMA's fictitious mobile numbers for creative works: never allocated to a real service.
FICTIONAL_MOBILES = (
    "0491 570 006", "0491 570 156", "0491 570 157", "0491 570 158", "0491 570 159",
    "0491 570 110", "0491 570 313", "0491 570 737", "0491 571 266", "0491 571 491",
    "0491 571 804", "0491 572 549", "0491 572 665", "0491 572 983", "0491 573 770",
    "0491 573 087", "0491 574 118", "0491 574 632", "0491 575 254", "0491 575 789",
    "0491 576 398", "0491 576 801", "0491 577 426", "0491 577 644", "0491 578 957",
    "0491 578 148", "0491 578 888", "0491 579 212", "0491 579 760", "0491 579 455",
)
EMAIL_DOMAINS = ("example.com", "example.net", "example.org")  # reserved (RFC 2606)
STATES = (("VIC", 3000, 3999), ("NSW", 2000, 2599), ("QLD", 4000, 4999), ("SA", 5000, 5799),
           ("WA", 6000, 6797), ("TAS", 7000, 7799))
STREET_TYPES = ("Street", "Street", "Road", "Road", "Avenue", "Court", "Crescent", "Drive",
                 "Parade", "Place", "Grove", "Close", "Terrace", "Way", "Lane")
SUBURB_PATTERNS = ("{}", "{} Park", "{} Heights", "Mount {}", "{} Vale", "{} Hill", "Glen {}",
                    "{} North", "{} West", "{} Downs")
# Faker's en_AU names are Anglo; an Australian patient list is not.
MORE_FAMILY = (
    "Nguyen", "Tran", "Le", "Pham", "Patel", "Singh", "Kaur", "Sharma", "Wang", "Li", "Zhang",
    "Chen", "Liu", "Kim", "Lee", "Park", "Papadopoulos", "Nikolaidis", "Rossi", "Russo", "Kelly",
    "Murphy", "O'Brien", "Ryan", "Walsh", "Hassan", "Ahmed", "Ali", "Santos", "Reyes", "Novak",
)
MORE_FEMALE = ("Mei", "Linh", "Priya", "Aisha", "Sofia", "Maria", "Eleni", "Margaret",
                "Dorothy", "Joan", "Beverley", "Shirley", "Noelene", "Gwen")
MORE_MALE = ("Minh", "Raj", "Arjun", "Wei", "Omar", "Giuseppe", "Nikos", "Bruce", "Graham",
              "Trevor", "Keith", "Barry", "Col", "Darren")
NICKNAMES = {
    "William": "Bill", "Robert": "Bob", "Margaret": "Peggy", "Elizabeth": "Liz",
    "Patricia": "Pat", "James": "Jim", "Richard": "Rick", "Katherine": "Kate",
    "Catherine": "Cathy", "Jennifer": "Jen", "Michael": "Mick", "Christopher": "Chris",
    "Anthony": "Tony", "Joseph": "Joe", "Thomas": "Tom", "Edward": "Ted", "Susan": "Sue",
    "Deborah": "Deb", "Barbara": "Barb", "Rebecca": "Bec", "Alexander": "Alex",
    "Benjamin": "Ben", "Daniel": "Dan", "Matthew": "Matt", "Nicholas": "Nick", "Samuel": "Sam",
    "Jessica": "Jess", "Victoria": "Vicky", "Dorothy": "Dot", "Kenneth": "Ken", "Gregory": "Greg",
}
# (role, user-name prefix, how many) for the staff added after the administrator.
STAFF_PLAN = ((Role.GP, "dr", 2), (Role.NURSE, "nurse", 2), (Role.COORDINATOR, "coord", 2),
               (Role.RECEPTION, "reception", 1))
# -- the wider record (contacts, care team, hospital, social) -------------------------------------
# Languages of Australia's larger communities; a family name hints at one some of the time.
LANGUAGES = ("Vietnamese", "Mandarin", "Cantonese", "Arabic", "Greek", "Italian", "Punjabi",
              "Hindi", "Tagalog", "Korean", "Spanish")
FAMILY_LANGUAGE = {
    "Nguyen": "Vietnamese", "Tran": "Vietnamese", "Le": "Vietnamese", "Pham": "Vietnamese",
    "Patel": "Hindi", "Sharma": "Hindi", "Singh": "Punjabi", "Kaur": "Punjabi",
    "Wang": "Mandarin", "Li": "Mandarin", "Zhang": "Mandarin", "Chen": "Cantonese",
    "Liu": "Mandarin", "Kim": "Korean", "Lee": "Korean", "Park": "Korean",
    "Papadopoulos": "Greek", "Nikolaidis": "Greek", "Rossi": "Italian", "Russo": "Italian",
    "Hassan": "Arabic", "Ahmed": "Arabic", "Ali": "Arabic", "Santos": "Tagalog",
    "Reyes": "Tagalog",
}
COMMUNICATION = (
    "Prefers phone calls in the morning", "Hard of hearing: face the patient and speak clearly",
    "Prefers SMS reminders", "Include daughter in calls about appointments",
    "Large-print letters please", "Uses hearing aids; phone calls are difficult",
    "Prefers e-mail for results", "Needs extra time; written summary after visits",
)
CULTURAL = (
    "Prefers a female clinician", "Observes Ramadan: review medicine timing when fasting",
    "Aboriginal: offer the Aboriginal health worker", "Family makes health decisions together",
    "Halal diet", "Vegetarian diet", "Prefers a male clinician",
)
ACD_LOCATIONS = ("Copy scanned into the record; original at home", "Uploaded to My Health Record",
                  "Held by the eldest daughter", "Copy with the solicitor")
# ACD (none, discussed, documented) weights by age band: <60, 60-74, 75-84, 85+.
ACD_WEIGHTS = ((93, 5, 2), (75, 15, 10), (55, 20, 25), (40, 20, 40))
HOUSING = ("Two-storey house; bedroom upstairs", "Public housing flat, third floor, no lift",
            "Retirement village unit", "Renting; worried about the lease ending")
TRANSPORT = ("No longer drives; family take them to appointments", "Uses community transport",
              "Uses taxi vouchers", "Drives locally only, not at night")
FINANCES = ("Age pension only; cost of medicines is a worry", "Has a DVA Gold Card",
             "Concession card holder")
ISOLATION = ("Few visitors since spouse died", "Attends a weekly seniors' group",
              "Family interstate; phones weekly")
FUNCTION = (
    "Independent with all daily activities",
    "Walks with a stick; independent with personal care",
    "Uses a four-wheeled walker; needs help with showering",
    "Needs help with shopping and cleaning (home care package)",
    "Wheelchair for long distances; carer visits daily",
)
KIN = (("Daughter", 30), ("Son", 25), ("Wife", 15), ("Husband", 12), ("Niece", 5),
        ("Nephew", 4), ("Friend", 5), ("Neighbour", 4))
KIN_WEIGHTS = tuple(w for _, w in KIN)
# (role, conditions that call for one, probability, organisations)
PROVIDERS = (
    ("Cardiologist", {"ihd", "hf", "af"}, .5, ("Eastside Heart Clinic", "Northern Cardiology")),
    ("Endocrinologist", {"t2dm"}, .2, ("Diabetes & Endocrine Centre",)),
    ("Community pharmacist", None, .35, ("Main Street Pharmacy", "Village Chemist")),
    ("Physiotherapist", {"oa", "copd"}, .15, ("Active Physio", "Community Health Physio")),
)
HOSPITALS = ("Eastside Public Hospital", "Northern District Hospital",
              "St Brigid's Private Hospital")
ADMIT_REASONS = {"hf": "Decompensated heart failure", "copd": "Infective exacerbation of COPD",
                  "af": "Fast atrial fibrillation", "t2dm": "Hypoglycaemia",
                  "ihd": "Chest pain; acute coronary syndrome"}
OTHER_ADMIT = ("Community-acquired pneumonia", "Fall with hip fracture",
                "Urinary tract infection", "Cellulitis", "Dehydration")
ED_REASONS = ("Fall, no fracture", "Chest pain", "Shortness of breath", "Laceration",
               "Dizziness", "Urinary retention")
# fmt: on

# The regimens with their medicines looked up once (the ids above keep the table readable).
REGIMENS = {
    key: (
        ([w for w, _ in options], [tuple(MEDS[m] for m in meds) for _, meds in options]),
        [(p, MEDS[m]) for p, m in add_ons],
    )
    for key, (options, add_ons) in REGIMEN_IDS.items()
}
ALLERGY_WEIGHTS = tuple(a[3] for a in ALLERGIES)
