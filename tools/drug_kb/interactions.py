"""Curated drug–drug interactions: every rule has severity, mechanism, advice and source.

Rules name two member lists (ingredient keys, AU names); every drug of one list interacts with
every drug of the other, so a class pair covers all of its members. Written for this project from
public sources (the Phansalkar et al. high-priority list, FDA/TGA product information); no DDInter
or CredibleMeds data. For pharmacist review before clinical use (see SOURCES.md).
"""

PHANSALKAR = ("Phansalkar S, et al. High-priority drug-drug interactions for use in electronic "
              "health records. J Am Med Inform Assoc 2012;19(5):735-43, Table 2")
PI_LABEL = "FDA/TGA product information (contraindications and interactions sections)"
SIMVA_LABEL = ("FDA simvastatin label (2011 dose limits with CYP3A4 inhibitors, verapamil, "
               "diltiazem, amiodarone, amlodipine, ranolazine); TGA product information")

# --- member lists --------------------------------------------------------------------------------
NSAIDS = ["ibuprofen", "naproxen", "diclofenac", "celecoxib", "meloxicam", "indometacin",
          "ketoprofen", "piroxicam", "etoricoxib", "parecoxib", "mefenamic acid", "ketorolac",
          "sulindac", "etodolac", "nabumetone", "flurbiprofen", "diflunisal", "tiaprofenic acid"]
ANTIPLATELETS = ["aspirin", "clopidogrel", "prasugrel", "ticagrelor", "dipyridamole",
                 "ticlopidine"]
DOACS = ["rivaroxaban", "apixaban", "dabigatran", "edoxaban"]
HEPARINS = ["enoxaparin", "dalteparin", "heparin"]
PPIS = ["omeprazole", "esomeprazole", "lansoprazole", "pantoprazole", "rabeprazole",
        "dexlansoprazole"]
PROTEASE_INHIBITORS = ["ritonavir", "lopinavir", "atazanavir", "darunavir", "saquinavir",
                       "indinavir", "nelfinavir", "fosamprenavir", "tipranavir", "cobicistat"]
AZOLES_STRONG = ["itraconazole", "ketoconazole", "posaconazole", "voriconazole"]
MACROLIDES_3A4 = ["clarithromycin", "erythromycin", "telithromycin"]
STRONG_3A4_INHIBITORS = PROTEASE_INHIBITORS + AZOLES_STRONG + MACROLIDES_3A4 + ["nefazodone"]
ERGOTS = ["ergotamine", "dihydroergotamine", "methylergometrine", "methysergide"]
SSRIS = ["sertraline", "escitalopram", "citalopram", "fluoxetine", "paroxetine", "fluvoxamine"]
SNRIS = ["venlafaxine", "desvenlafaxine", "duloxetine", "milnacipran"]
SEROTONERGIC_TCAS = ["clomipramine", "imipramine", "amitriptyline", "dosulepin", "doxepin",
                     "nortriptyline"]
SEROTONERGIC_OPIOIDS = ["tramadol", "tapentadol", "pethidine", "methadone", "fentanyl",
                        "dextromethorphan"]
TRIPTANS = ["sumatriptan", "rizatriptan", "zolmitriptan", "naratriptan", "eletriptan"]
SEROTONERGIC_OTHER = ["linezolid", "methylene blue", "st john's wort", "lithium", "mirtazapine",
                      "trazodone", "buspirone"]
MAOIS = ["phenelzine", "tranylcypromine", "moclobemide", "selegiline", "rasagiline",
         "isocarboxazid", "procarbazine"]
AMPHETAMINES = ["dexmethylphenidate", "dexamfetamine", "methylphenidate", "lisdexamfetamine",
                "methamphetamine", "phendimetrazine", "pseudoephedrine", "amphetamine",
                "benzphetamine", "diethylpropion", "phentermine", "atomoxetine"]
TCAS = ["amitriptyline", "nortriptyline", "imipramine", "clomipramine", "dosulepin", "doxepin",
        "desipramine", "trimipramine", "protriptyline"]
CYP1A2_STRONG = ["fluvoxamine", "ciprofloxacin"]
CYP3A4_INDUCERS = ["rifampicin", "rifabutin", "carbamazepine", "phenytoin", "phenobarbital",
                   "st john's wort"]
SEROTONERGIC = SSRIS + SNRIS + SEROTONERGIC_TCAS + SEROTONERGIC_OPIOIDS + TRIPTANS \
    + SEROTONERGIC_OTHER
SYMPATHOMIMETICS = ["pseudoephedrine", "phenylephrine", "ephedrine", "dexamfetamine",
                    "lisdexamfetamine", "methylphenidate", "amphetamine"]
K_SPARING = ["spironolactone", "eplerenone", "amiloride", "triamterene"]
POTASSIUM = ["potassium chloride", "potassium citrate", "potassium bicarbonate"]
ACEIS = ["perindopril", "ramipril", "enalapril", "lisinopril", "quinapril", "trandolapril",
         "captopril", "fosinopril"]
ARBS = ["irbesartan", "candesartan", "telmisartan", "valsartan", "losartan", "olmesartan",
        "eprosartan"]
RAS = ACEIS + ARBS + ["aliskiren", "sacubitril"]
DIURETICS = ["furosemide", "bumetanide", "torasemide", "hydrochlorothiazide", "chlorthalidone",
             "indapamide", "bendroflumethiazide", "chlorothiazide"]
LOOP_THIAZIDE = DIURETICS
# Drugs with a known risk of torsades de pointes in their product information (QT warnings).
QT_PROLONGERS = ["amiodarone", "sotalol", "dronedarone", "disopyramide", "quinidine",
                 "procainamide", "dofetilide", "ibutilide", "citalopram", "escitalopram",
                 "haloperidol", "droperidol", "chlorpromazine", "thioridazine", "pimozide",
                 "ziprasidone", "methadone", "ondansetron", "domperidone", "erythromycin",
                 "clarithromycin", "azithromycin", "moxifloxacin", "levofloxacin",
                 "ciprofloxacin", "fluconazole", "pentamidine", "hydroxychloroquine",
                 "chloroquine", "quinine", "cisapride", "arsenic trioxide", "vandetanib",
                 "donepezil", "anagrelide", "cilostazol", "terfenadine", "astemizole",
                 "bedaquiline", "sevoflurane", "propofol", "levomethadyl", "mesoridazine"]
BETA_BLOCKERS = ["metoprolol", "atenolol", "bisoprolol", "carvedilol", "propranolol",
                 "nebivolol", "sotalol", "labetalol", "pindolol", "oxprenolol"]
NITRATES = ["glyceryl trinitrate", "isosorbide mononitrate", "isosorbide dinitrate",
            "nicorandil", "amyl nitrite"]
PDE5 = ["sildenafil", "tadalafil", "vardenafil", "avanafil"]
OPIOIDS = ["oxycodone", "morphine", "codeine", "tramadol", "tapentadol", "hydromorphone",
           "fentanyl", "buprenorphine", "methadone", "pethidine", "tapentadol"]
BENZODIAZEPINES = ["diazepam", "oxazepam", "temazepam", "alprazolam", "clonazepam",
                   "lorazepam", "nitrazepam", "midazolam", "zolpidem", "zopiclone"]


def _r(rule_id, title, a, b, severity, mechanism, advice, source):
    return {"id": rule_id, "title": title, "a": a, "b": b, "severity": severity,
            "mechanism": mechanism, "advice": advice, "source": source}


RULES = [
    # --- Phansalkar et al. 2012: the 15 high-priority DDIs (Table 2, final pairs; membership as
    # the panel suggested, with Australian members added where the class has them) ------------
    _r("amphetamine-maoi", "Amphetamine-type stimulant with an MAO inhibitor", AMPHETAMINES,
       MAOIS, "contraindicated", "Noradrenaline release with MAO blocked; hypertensive crisis.",
       "Do not combine; allow 14 days after stopping the MAO inhibitor.", PHANSALKAR),
    _r("atazanavir-ppi", "Atazanavir with a proton pump inhibitor", ["atazanavir"], PPIS,
       "contraindicated", "Raised gastric pH greatly reduces atazanavir absorption.",
       "Avoid the combination; loss of HIV control and resistance. Ask the HIV prescriber.",
       PHANSALKAR),
    _r("febuxostat-thiopurine", "Febuxostat with azathioprine or mercaptopurine", ["febuxostat"],
       ["azathioprine", "mercaptopurine"], "contraindicated",
       "Xanthine oxidase inhibition raises thiopurine levels; bone marrow suppression.",
       "Do not combine.", PHANSALKAR),
    _r("serotonergic-maoi", "Serotonergic antidepressant with an MAO inhibitor",
       SSRIS + SNRIS + ["nefazodone", "trazodone", "mirtazapine", "vortioxetine"], MAOIS,
       "contraindicated", "Serotonin syndrome (agitation, hyperthermia, clonus), can be fatal.",
       "Do not combine; allow the washout the product information gives (2-5 weeks).",
       PHANSALKAR),
    _r("irinotecan-3a4", "Irinotecan with a strong CYP3A4 inhibitor", ["irinotecan"],
       STRONG_3A4_INHIBITORS, "contraindicated",
       "Raised SN-38 exposure; severe neutropenia and diarrhoea.",
       "Do not combine; stop the inhibitor at least a week before irinotecan.", PHANSALKAR),
    _r("opioid-maoi", "Opioid analgesic with an MAO inhibitor", SEROTONERGIC_OPIOIDS + [
        "oxycodone", "morphine", "hydromorphone", "codeine"], MAOIS, "contraindicated",
       "Serotonin syndrome (pethidine, tramadol, methadone, fentanyl) or opioid toxicity.",
       "Do not combine; choose another analgesic with the prescriber.", PHANSALKAR),
    _r("tca-maoi", "Tricyclic antidepressant with an MAO inhibitor", TCAS, MAOIS,
       "contraindicated", "Serotonin syndrome and hypertensive reactions.",
       "Do not combine.", PHANSALKAR),
    _r("qt-qt", "Two medicines that prolong the QT interval", QT_PROLONGERS, QT_PROLONGERS,
       "major", "Additive QT prolongation; risk of torsades de pointes.",
       "Avoid where possible; if needed, ECG and check potassium and magnesium.",
       PHANSALKAR + "; " + PI_LABEL + " (QT warnings; not CredibleMeds data)"),
    _r("ramelteon-1a2", "Ramelteon with a strong CYP1A2 inhibitor", ["ramelteon"],
       CYP1A2_STRONG, "contraindicated",
       "CYP1A2 inhibition raises ramelteon levels (about 190-fold with fluvoxamine).",
       "Do not combine.", PHANSALKAR),
    _r("pi-inducer", "Protease inhibitor with a strong CYP3A4 inducer", PROTEASE_INHIBITORS,
       CYP3A4_INDUCERS, "contraindicated",
       "Enzyme induction lowers protease inhibitor levels; HIV treatment failure, resistance.",
       "Do not combine; ask the HIV prescriber.", PHANSALKAR),
    _r("statin-pi", "Simvastatin or lovastatin with a CYP3A4 or protease inhibitor",
       ["simvastatin", "lovastatin"], STRONG_3A4_INHIBITORS, "contraindicated",
       "CYP3A4 inhibition raises statin levels many-fold; myopathy and rhabdomyolysis.",
       "Do not combine; withhold the statin during a short course, or use pravastatin.",
       PHANSALKAR + "; " + SIMVA_LABEL),
    _r("ergot-3a4", "Ergot alkaloid with a CYP3A4 or protease inhibitor", ERGOTS,
       STRONG_3A4_INHIBITORS, "contraindicated",
       "CYP3A4 inhibition raises ergot levels; ergotism, limb and organ ischaemia.",
       "Do not combine.", PHANSALKAR),
    _r("tizanidine-1a2", "Tizanidine with a CYP1A2 inhibitor", ["tizanidine"],
       CYP1A2_STRONG, "contraindicated",
       "CYP1A2 inhibition raises tizanidine levels many-fold; hypotension and sedation.",
       "Do not combine.", PHANSALKAR),
    _r("tranylcypromine-procarbazine", "Tranylcypromine with procarbazine", ["tranylcypromine"],
       ["procarbazine"], "contraindicated", "Additive MAO inhibition; hypertensive crisis.",
       "Do not combine.", PHANSALKAR),
    _r("triptan-maoi", "Triptan with an MAO inhibitor", TRIPTANS, MAOIS, "contraindicated",
       "MAO-A inhibition raises triptan levels (sumatriptan, rizatriptan, zolmitriptan); "
       "serotonin syndrome.", "Do not combine (use eletriptan or naratriptan only on advice).",
       PHANSALKAR),
    # --- other contraindicated pairs from product information ---------------------------------
    _r("maoi-serotonergic-other", "MAO inhibitor with another serotonergic drug", MAOIS,
       ["linezolid", "methylene blue", "st john's wort", "lithium", "buspirone",
        "dextromethorphan", *MAOIS], "contraindicated",
       "Serotonin syndrome or additive MAO inhibition.", "Do not combine.", PI_LABEL),
    _r("maoi-sympathomimetic", "MAO inhibitor with a sympathomimetic decongestant", MAOIS,
       ["phenylephrine", "ephedrine", "pseudoephedrine"], "contraindicated",
       "Noradrenaline release; hypertensive crisis.", "Do not combine.", PI_LABEL),
    _r("bosentan-glibenclamide", "Bosentan with glibenclamide", ["bosentan"], ["glibenclamide"],
       "contraindicated", "Both raise liver enzymes; glibenclamide lowers bosentan levels.",
       "Do not combine; use another glucose-lowering drug.", PI_LABEL),
    _r("cisapride-qt", "Cisapride with a QT-prolonging or CYP3A4-inhibiting drug", ["cisapride"],
       QT_PROLONGERS + STRONG_3A4_INHIBITORS, "contraindicated",
       "Additive QT prolongation and raised cisapride levels; torsades de pointes.",
       "Do not combine.", PI_LABEL),
    _r("methotrexate-trimethoprim", "Methotrexate with trimethoprim", ["methotrexate"],
       ["trimethoprim", "sulfamethoxazole"], "contraindicated",
       "Additive antifolate effect and reduced renal clearance; bone marrow suppression.",
       "Avoid; choose another antibiotic. If unavoidable, check full blood count.", PI_LABEL),
    _r("pimozide-3a4", "Pimozide with a CYP3A4 inhibitor", ["pimozide"],
       STRONG_3A4_INHIBITORS + ["fluconazole", "diltiazem", "verapamil", "sertraline",
                                "fluvoxamine"], "contraindicated",
       "Raised pimozide levels prolong the QT interval.", "Do not combine.", PI_LABEL),
    _r("rasagiline-ciprofloxacin", "Rasagiline with ciprofloxacin", ["rasagiline"],
       ["ciprofloxacin"], "major", "CYP1A2 inhibition raises rasagiline levels.",
       "Avoid, or limit rasagiline to 0.5 mg daily.", PI_LABEL),
    # --- common primary-care interactions ----------------------------------------------------
    _r("warfarin-nsaid", "Warfarin with an NSAID", ["warfarin"], NSAIDS, "major",
       "NSAIDs inhibit platelets and injure gastric mucosa; some raise the INR.",
       "Avoid; use paracetamol for pain. If needed: shortest course, PPI, check INR.", PI_LABEL),
    _r("warfarin-antiplatelet", "Warfarin with an antiplatelet", ["warfarin"], ANTIPLATELETS,
       "major", "Additive effect on bleeding.",
       "Only with a clear indication and a documented plan and end date; watch for bleeding.",
       PI_LABEL),
    _r("doac-nsaid", "Direct oral anticoagulant with an NSAID", DOACS + HEPARINS, NSAIDS, "major",
       "Additive bleeding risk, especially gastrointestinal.",
       "Avoid; use paracetamol. If needed, shortest course with a PPI.", PI_LABEL),
    _r("doac-antiplatelet", "Anticoagulant with an antiplatelet", DOACS + HEPARINS,
       ANTIPLATELETS, "major", "Additive bleeding risk.",
       "Only with a clear indication and end date; review at each visit.", PI_LABEL),
    _r("anticoagulant-anticoagulant", "Two anticoagulants", ["warfarin", *DOACS, *HEPARINS],
       ["warfarin", *DOACS, *HEPARINS], "major", "Additive anticoagulation; serious bleeding.",
       "Confirm which one the patient should take (overlap only during a planned switch).",
       PI_LABEL),
    _r("warfarin-enzyme-inhibitors", "Warfarin with a drug that raises the INR", ["warfarin"],
       ["fluconazole", "miconazole", "metronidazole", "amiodarone", "sulfamethoxazole",
        "trimethoprim", "clarithromycin", "erythromycin", "ciprofloxacin", "voriconazole"],
       "major", "Reduced warfarin clearance (CYP2C9/3A4 inhibition); INR rises.",
       "Check the INR within 3-5 days of starting; adjust the warfarin dose.", PI_LABEL),
    _r("methotrexate-nsaid", "Methotrexate with an NSAID", ["methotrexate"], NSAIDS + ["aspirin"],
       "major", "Reduced renal clearance of methotrexate; bone marrow and kidney toxicity.",
       "Avoid with high-dose methotrexate; with weekly low dose, monitor FBC, creatinine.",
       PI_LABEL),
    _r("aspirin-nsaid", "Aspirin with an NSAID", ["aspirin"], NSAIDS, "moderate",
       "Additive gastrointestinal bleeding risk; ibuprofen and naproxen can block low-dose "
       "aspirin's antiplatelet effect.",
       "Avoid regular NSAIDs; if needed, take aspirin 2 hours before ibuprofen and add a PPI.",
       PI_LABEL),
    _r("methotrexate-ppi", "Methotrexate with a proton pump inhibitor", ["methotrexate"], PPIS,
       "moderate", "PPIs can delay methotrexate elimination (mainly at high doses).",
       "Usually acceptable with low weekly doses; monitor blood counts.", PI_LABEL),
    _r("simvastatin-ciclosporin-gemfibrozil", "Simvastatin with ciclosporin or gemfibrozil",
       ["simvastatin", "lovastatin"], ["ciclosporin", "gemfibrozil", "danazol"],
       "contraindicated", "Raised statin levels and additive myopathy.", "Do not combine.",
       SIMVA_LABEL),
    _r("simvastatin-verapamil-diltiazem", "Simvastatin with verapamil, diltiazem or dronedarone",
       ["simvastatin", "lovastatin"], ["verapamil", "diltiazem", "dronedarone"], "major",
       "Moderate CYP3A4 inhibition raises simvastatin levels; myopathy.",
       "Limit simvastatin to 10 mg daily, or switch to a statin not metabolised by CYP3A4.",
       SIMVA_LABEL),
    _r("simvastatin-amiodarone", "Simvastatin with amiodarone", ["simvastatin", "lovastatin"],
       ["amiodarone"], "major", "Raised simvastatin levels; myopathy.",
       "Limit simvastatin to 20 mg daily.", SIMVA_LABEL),
    _r("simvastatin-amlodipine", "Simvastatin with amlodipine or ranolazine", ["simvastatin"],
       ["amlodipine", "ranolazine"], "moderate", "Raised simvastatin levels; myopathy.",
       "Limit simvastatin to 20 mg daily.", SIMVA_LABEL),
    _r("atorvastatin-3a4", "Atorvastatin with a strong CYP3A4 inhibitor", ["atorvastatin"],
       STRONG_3A4_INHIBITORS + ["ciclosporin"], "major", "Raised atorvastatin levels; myopathy.",
       "Use the lowest dose (check the product information limit) or another statin.",
       PI_LABEL),
    _r("colchicine-3a4", "Colchicine with a strong CYP3A4 or P-gp inhibitor", ["colchicine"],
       STRONG_3A4_INHIBITORS + ["ciclosporin", "verapamil", "diltiazem"], "major",
       "Raised colchicine levels; toxicity (diarrhoea, myopathy, marrow suppression).",
       "Avoid or reduce the colchicine dose substantially.", PI_LABEL),
    _r("digoxin-verapamil", "Digoxin with verapamil", ["digoxin"], ["verapamil"], "major",
       "P-glycoprotein inhibition raises digoxin levels; additive slowing of AV conduction.",
       "Reduce digoxin (often by a third to a half), check levels and heart rate.", PI_LABEL),
    _r("digoxin-amiodarone", "Digoxin with amiodarone or dronedarone", ["digoxin"],
       ["amiodarone", "dronedarone"], "major",
       "Raised digoxin levels (P-gp inhibition); bradycardia.",
       "Halve the digoxin dose when starting; check levels.", PI_LABEL),
    _r("digoxin-others", "Digoxin with a drug that raises its level", ["digoxin"],
       ["clarithromycin", "erythromycin", "diltiazem", "quinidine", "itraconazole",
        "ciclosporin", "propafenone", "spironolactone"], "moderate",
       "Reduced digoxin clearance (P-gp inhibition).", "Check digoxin levels and heart rate.",
       PI_LABEL),
    _r("digoxin-diuretic", "Digoxin with a loop or thiazide diuretic", ["digoxin"], DIURETICS,
       "moderate", "Diuretic hypokalaemia increases digoxin toxicity.",
       "Check potassium and magnesium regularly.", PI_LABEL),
    _r("betablocker-verapamil", "Beta-blocker with verapamil or diltiazem", BETA_BLOCKERS,
       ["verapamil", "diltiazem"], "major",
       "Additive slowing of heart rate and AV conduction; heart block, heart failure.",
       "Avoid in the elderly and with conduction disease; monitor heart rate.", PI_LABEL),
    _r("serotonergic-pair", "Two serotonergic medicines", SSRIS + SNRIS + SEROTONERGIC_TCAS,
       SEROTONERGIC_OPIOIDS + SSRIS + SNRIS + ["linezolid", "methylene blue",
                                               "st john's wort", "lithium"], "major",
       "Additive serotonergic effect; serotonin syndrome.",
       "Avoid where possible; if combined, start low and tell the patient the warning signs.",
       PI_LABEL),
    _r("serotonergic-triptan", "Antidepressant with a triptan", SSRIS + SNRIS, TRIPTANS,
       "moderate", "Additive serotonergic effect (rare serotonin syndrome).",
       "Usually acceptable; advise the patient of warning signs.", PI_LABEL),
    _r("ssri-bleeding", "SSRI or SNRI with an anticoagulant, antiplatelet or NSAID",
       SSRIS + SNRIS, ["warfarin", *DOACS, *ANTIPLATELETS, *NSAIDS], "moderate",
       "SSRIs deplete platelet serotonin; bleeding risk adds up, especially GI.",
       "Consider a PPI with an NSAID; watch for bleeding.", PI_LABEL),
    _r("ksparing-potassium", "Potassium-sparing diuretic with potassium", K_SPARING, POTASSIUM,
       "major", "Both raise serum potassium; hyperkalaemia.",
       "Avoid unless potassium is low and monitored.", PI_LABEL),
    _r("ksparing-ras", "Potassium-sparing diuretic with an ACE inhibitor or ARB", K_SPARING,
       RAS, "major", "Reduced potassium excretion; hyperkalaemia, especially with poor kidneys.",
       "Check potassium and creatinine within a week of starting and regularly after.",
       PI_LABEL),
    _r("ksparing-ksparing", "Two potassium-sparing diuretics", K_SPARING, K_SPARING, "major",
       "Additive potassium retention; hyperkalaemia.", "Do not combine.", PI_LABEL),
    _r("ksparing-trimethoprim", "Potassium-sparing diuretic or RAS blocker with trimethoprim",
       K_SPARING + RAS, ["trimethoprim"], "moderate",
       "Trimethoprim blocks renal potassium excretion (amiloride-like).",
       "Check potassium in older patients and those with kidney disease.", PI_LABEL),
    _r("ras-potassium", "ACE inhibitor or ARB with potassium supplements", RAS, POTASSIUM,
       "moderate", "Reduced potassium excretion; hyperkalaemia.", "Monitor potassium.",
       PI_LABEL),
    _r("ras-dual", "ACE inhibitor with an ARB or aliskiren", ACEIS, ARBS + ["aliskiren"],
       "major", "Dual renin-angiotensin blockade: hyperkalaemia, hypotension, kidney injury.",
       "Avoid the combination.", PI_LABEL),
    _r("nsaid-ras-diuretic", "NSAID with an ACE inhibitor, ARB or diuretic", NSAIDS,
       RAS + DIURETICS + K_SPARING, "moderate",
       "NSAIDs reduce renal blood flow; with RAS blockers and diuretics ('triple whammy') "
       "acute kidney injury.", "Avoid, especially all three together; check creatinine.",
       PI_LABEL),
    _r("lithium-renal", "Lithium with an NSAID, ACE inhibitor, ARB or diuretic", ["lithium"],
       NSAIDS + RAS + DIURETICS, "major", "Reduced lithium clearance; lithium toxicity.",
       "Avoid or check lithium levels within a week and after dose changes.", PI_LABEL),
    _r("pde5-nitrate", "PDE5 inhibitor with a nitrate", PDE5, NITRATES, "contraindicated",
       "Additive vasodilatation; severe hypotension.",
       "Do not combine (no nitrate within 24 h of sildenafil, 48 h of tadalafil).", PI_LABEL),
    _r("opioid-benzodiazepine", "Opioid with a benzodiazepine or Z-drug", OPIOIDS,
       BENZODIAZEPINES, "major", "Additive CNS and respiratory depression.",
       "Avoid where possible; lowest doses, shortest time; warn the patient and carer.",
       PI_LABEL),
    _r("opioid-opioid", "Two opioids", OPIOIDS, OPIOIDS, "major",
       "Additive CNS and respiratory depression.",
       "Check that both are intended (e.g. a long-acting and a breakthrough plan).", PI_LABEL),
    _r("allopurinol-azathioprine", "Allopurinol with azathioprine or mercaptopurine",
       ["allopurinol"], ["azathioprine", "mercaptopurine"], "major",
       "Xanthine oxidase inhibition raises thiopurine levels; marrow suppression.",
       "Avoid, or cut the thiopurine dose to a quarter with close blood count monitoring.",
       PI_LABEL),
    _r("clopidogrel-ppi", "Clopidogrel with omeprazole or esomeprazole", ["clopidogrel"],
       ["omeprazole", "esomeprazole"], "moderate",
       "CYP2C19 inhibition reduces activation of clopidogrel.",
       "Prefer pantoprazole if a PPI is needed.", PI_LABEL),
    _r("theophylline-1a2", "Theophylline with ciprofloxacin or fluvoxamine", ["theophylline"],
       ["ciprofloxacin", "fluvoxamine", "erythromycin", "clarithromycin"], "major",
       "Reduced theophylline clearance; toxicity (seizures, arrhythmias).",
       "Avoid or halve the theophylline dose and check levels.", PI_LABEL),
    _r("sulfonylurea-antifungal", "Sulfonylurea with fluconazole or miconazole",
       ["gliclazide", "glibenclamide", "glimepiride", "glipizide"], ["fluconazole", "miconazole"],
       "moderate", "CYP2C9 inhibition raises sulfonylurea levels; hypoglycaemia.",
       "Monitor blood glucose; warn the patient.", PI_LABEL),
]
