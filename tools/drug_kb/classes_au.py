"""Classes for ingredients the FDA 2019 snapshot lacks (not marketed in the US, or combinations only),
and the classes whose members are used together on purpose (no class-duplicate flag for them).

Class names follow the FDA Established Pharmacologic Class style ("... [EPC]") so one name covers
a drug whether its class came from the FDA file or from here.
"""

SOURCE = "CareCoord supplement (class as in the TGA Product Information / AMH chapter; curated)"

SUPPLEMENT = {
    "gliclazide": ["Sulfonylurea [EPC]"],
    "bendroflumethiazide": ["Thiazide Diuretic [EPC]"],
    "paracetamol": ["Analgesic and Antipyretic [EPC]"],
    "perindopril": ["Angiotensin Converting Enzyme Inhibitor [EPC]"],
    "domperidone": ["Dopamine-2 Receptor Antagonist [EPC]"],
    "agomelatine": ["Melatonin Receptor Agonist [EPC]"],
    "moxonidine": ["Central Alpha-2 Adrenergic Agonist [EPC]"],
    "lercanidipine": ["Dihydropyridine Calcium Channel Blocker [EPC]"],
    "dosulepin": ["Tricyclic Antidepressant [EPC]"],
    "etoricoxib": ["Nonsteroidal Anti-inflammatory Drug [EPC]"],
    "indometacin": ["Nonsteroidal Anti-inflammatory Drug [EPC]"],
    "pholcodine": ["Opioid Agonist [EPC]"],
    "salbutamol": ["beta2-Adrenergic Agonist [EPC]"],
    "formoterol": ["beta2-Adrenergic Agonist [EPC]"],
    "vilanterol": ["beta2-Adrenergic Agonist [EPC]"],
    "indacaterol": ["beta2-Adrenergic Agonist [EPC]"],
    "olodaterol": ["beta2-Adrenergic Agonist [EPC]"],
    "tiotropium": ["Anticholinergic [EPC]"],
    "umeclidinium": ["Anticholinergic [EPC]"],
    "glycopyrronium": ["Anticholinergic [EPC]"],
    "fluticasone": ["Corticosteroid [EPC]"],
    "codeine": ["Opioid Agonist [EPC]"],
    "oxycodone": ["Opioid Agonist [EPC]"],
    "tramadol": ["Opioid Agonist [EPC]"],
    "tapentadol": ["Opioid Agonist [EPC]"],
    "valproate": ["Anti-epileptic Agent [EPC]"],
    "lithium": ["Mood Stabilizer [EPC]"],
    "moclobemide": ["Monoamine Oxidase Inhibitor [EPC]"],
    "vildagliptin": ["Dipeptidyl Peptidase 4 Inhibitor [EPC]"],
    "ramelteon": ["Melatonin Receptor Agonist [EPC]"],
    "aspirin": ["Platelet Aggregation Inhibitor [EPC]"],
    "warfarin": ["Vitamin K Antagonist [EPC]"],
    "rivaroxaban": ["Factor Xa Inhibitor [EPC]"],
    "apixaban": ["Factor Xa Inhibitor [EPC]"],
    "dabigatran": ["Direct Thrombin Inhibitor [EPC]"],
    "ferrous sulfate": ["Iron Supplement [EPC]"],
    "iron polymaltose": ["Iron Supplement [EPC]"],
    "ferrous fumarate": ["Iron Supplement [EPC]"],
    "colecalciferol": ["Vitamin D [EPC]"],
    "st john's wort": ["Herbal Antidepressant [EPC]"],
    "insulin neutral": ["Insulin [EPC]"],
    "insulin isophane": ["Insulin [EPC]"],
    "methoxyflurane": ["General Anesthetic [EPC]"],
}

# Classes whose members are combined on purpose, or too broad for a duplicate to mean much:
# reliever + preventer inhalers, basal + bolus insulin, an inhaled and a skin steroid.
NO_DUPLICATE_FLAG = {
    "Corticosteroid [EPC]", "beta2-Adrenergic Agonist [EPC]", "Insulin [EPC]",
    "Insulin Analog [EPC]", "Vitamin D [EPC]", "Vitamin D2 Analog [EPC]", "Vitamin D3 Analog [EPC]",
    "Osmotic Laxative [EPC]", "Stimulant Laxative [EPC]", "Standardized Chemical Allergen [EPC]",
    "Non-Standardized Plant Allergenic Extract [EPC]", "Antiseptic [EPC]",
    "Local Anesthetic [EPC]", "Amide Local Anesthetic [EPC]", "Calcium Supplement [EPC]",
    "Iron Supplement [EPC]", "Electrolyte Replacement [EPC]", "Sunscreen [EPC]",
    "Anticholinergic [EPC]", "Vitamin [EPC]", "Analgesic and Antipyretic [EPC]",
    "Cholinergic Muscarinic Antagonist [EPC]", "Dermatological Agent [EPC]",
}

# Classes the FDA file gives that mislead a duplicate check in primary care: aspirin on a list is
# almost always low-dose antiplatelet; aspirin with an NSAID is an interaction rule instead.
REMOVE = {
    "aspirin": ["Nonsteroidal Anti-inflammatory Drug [EPC]"],
}
