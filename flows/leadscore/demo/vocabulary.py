"""The words demo people and companies are made of, and how often each value occurs.

Weighted choices are `(value, weight)` pairs; industries, seniorities and business models carry a
third number, their contribution to a lead's hidden fit (see `model.py`).
"""

from __future__ import annotations

# fmt: off
# (tables of values, laid out by hand: one row per line)
PERSONAL_DOMAINS = ("gmail.com", "yahoo.com", "hotmail.com", "outlook.com")
COMPETITORS = (("Rival Analytics", "rival-analytics"), ("Competitor CRM", "competitor-crm"))

# (value, weight, contribution to the fit log-odds)
INDUSTRIES = (
    ("software", 18, 0.6), ("financial_services", 12, 0.5), ("healthcare", 10, 0.1),
    ("manufacturing", 12, 0.1), ("retail", 9, 0.0), ("education", 7, -0.5),
    ("government", 5, -0.6), ("media", 6, 0.0), ("professional_services", 10, 0.4),
    ("telecommunications", 5, 0.4), ("nonprofit", 6, -0.7),
)
SENIORITIES = (
    ("executive", 6, 1.0), ("vp", 7, 1.0), ("director", 13, 0.8), ("manager", 24, 0.4),
    ("individual_contributor", 46, 0.0), ("student", 4, -3.0),
)
BUSINESS_MODELS = (("b2b", 62, 0.5), ("b2c", 22, -0.5), ("b2b2c", 16, 0.1))

DEPARTMENTS = (
    ("marketing", 22), ("sales", 16), ("it", 13), ("engineering", 13), ("finance", 9),
    ("operations", 10), ("hr", 6), ("other", 11),
)
EXECUTIVE_DEPARTMENTS = (
    ("executive", 45), ("marketing", 9), ("sales", 9), ("it", 7), ("engineering", 8),
    ("finance", 10), ("operations", 8), ("hr", 4),
)
LEAD_SOURCES = (
    ("organic_search", 20), ("paid_search", 14), ("paid_social", 10), ("referral", 6),
    ("webinar", 8), ("event", 6), ("partner", 5), ("outbound", 10), ("direct", 11),
    ("content_syndication", 10),
)
COUNTRIES = (
    ("US", 35), ("GB", 10), ("DE", 9), ("FR", 6), ("NL", 4), ("ES", 4), ("IN", 8), ("BR", 5),
    ("AU", 5), ("CA", 6), ("JP", 4), ("SG", 4),
)
COUNTRY_NAMES = {
    "US": "United States", "GB": "United Kingdom", "DE": "Germany", "FR": "France",
    "IN": "India", "BR": "Brazil",
}
DEVICES = (("desktop", 68), ("mobile", 27), ("tablet", 5))

DEPARTMENT_LABELS = {
    "marketing": "Marketing", "sales": "Sales", "it": "IT", "engineering": "Engineering",
    "finance": "Finance", "operations": "Operations", "hr": "People", "other": "Strategy",
    "executive": "Strategy",
}
EXECUTIVE_TITLES = {
    "executive": ("CEO", "Founder & CEO", "President"),
    "marketing": ("CMO", "Chief Marketing Officer"),
    "sales": ("Chief Revenue Officer", "CRO"),
    "it": ("CIO", "Chief Information Officer"),
    "engineering": ("CTO", "Chief Technology Officer"),
    "finance": ("CFO", "Chief Financial Officer"),
    "operations": ("COO", "Chief Operating Officer"),
    "hr": ("Chief People Officer", "CHRO"),
    "other": ("Managing Director", "Chief Strategy Officer"),
}
MANAGER_TITLES = {
    "marketing": ("Marketing Manager", "Demand Generation Manager", "Marketing Operations Manager"),
    "sales": ("Sales Manager", "Sales Operations Manager", "Regional Sales Manager"),
    "it": ("IT Manager", "BI Manager", "Data Platform Manager"),
    "engineering": ("Engineering Manager", "Data Engineering Manager", "Product Manager"),
    "finance": ("Finance Manager", "FP&A Manager", "Controller"),
    "operations": ("Operations Manager", "Revenue Operations Manager", "Project Manager"),
    "hr": ("HR Manager", "Talent Acquisition Manager", "People Operations Manager"),
    "other": ("Project Manager", "Office Manager", "Account Manager"),
}
CONTRIBUTOR_TITLES = {
    "marketing": ("Marketing Specialist", "Marketing Analyst", "Content Marketer"),
    "sales": ("Account Executive", "Sales Development Representative", "Business Development Representative"),
    "it": ("Data Analyst", "Systems Administrator", "BI Developer"),
    "engineering": ("Software Engineer", "Data Engineer", "Data Scientist"),
    "finance": ("Financial Analyst", "Accountant", "Finance Associate"),
    "operations": ("Operations Analyst", "RevOps Analyst", "Business Analyst"),
    "hr": ("HR Specialist", "Recruiter", "HR Generalist"),
    "other": ("Consultant", "Analyst", "Research Associate"),
}

FIRST_NAMES = (
    "James", "Mary", "John", "Patricia", "Robert", "Jennifer", "Michael", "Linda", "David",
    "Elizabeth", "William", "Barbara", "Richard", "Susan", "Thomas", "Jessica", "Daniel", "Sarah",
    "Matthew", "Karen", "Anthony", "Nancy", "Mark", "Lisa", "Paul", "Emma", "Oliver", "Sophie",
    "Lukas", "Anna", "Felix", "Lea", "Hugo", "Chloe", "Louis", "Camille", "Pablo", "Lucia",
    "Javier", "Carmen", "Arjun", "Priya", "Rahul", "Ananya", "Vikram", "Neha", "Lucas", "Ana",
    "Gabriel", "Beatriz", "Rafael", "Juliana", "Haruto", "Yui", "Kenji", "Sakura", "Wei", "Mei",
    "Daan", "Sanne", "Noah", "Mia", "Liam", "Olivia", "Ethan", "Ava", "Mateo", "Isabella",
    "Samuel", "Grace", "Omar", "Fatima", "Ivan", "Elena", "Tomas", "Nina", "Jonas", "Hanna",
)
LAST_NAMES = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez",
    "Martinez", "Wilson", "Anderson", "Taylor", "Thomas", "Moore", "Jackson", "Martin", "Lee",
    "Thompson", "White", "Harris", "Clark", "Lewis", "Walker", "Young", "Allen", "King", "Wright",
    "Scott", "Green", "Baker", "Adams", "Nelson", "Hill", "Campbell", "Mitchell", "Roberts",
    "Carter", "Phillips", "Evans", "Mueller", "Schmidt", "Schneider", "Fischer", "Weber",
    "Meyer", "Wagner", "Becker", "Dubois", "Laurent", "Bernard", "Moreau", "Fernandez", "Lopez",
    "Sanchez", "Perez", "Sharma", "Patel", "Gupta", "Singh", "Kumar", "Reddy", "Silva", "Santos",
    "Oliveira", "Souza", "Costa", "Sato", "Suzuki", "Tanaka", "Watanabe", "Chen", "Wang", "Tan",
    "de Jong", "Jansen", "de Vries", "Bakker", "Visser", "Novak", "Kowalski",
)
NAME_PREFIXES = (
    "North", "Blue", "Summit", "Bright", "Iron", "Silver", "Green", "Apex", "Cedar", "Harbor",
    "Pioneer", "Quantum", "Red", "Stone", "River", "Atlas", "Nova", "Vertex", "Crystal", "Golden",
    "Prime", "Swift", "Maple", "Oak", "Falcon", "Eagle", "Lumen", "Polar", "Solar", "Terra",
    "Urban", "Vista", "Zen", "Alpine", "Coastal", "Delta", "Echo", "Fusion", "Granite", "Horizon",
    "Indigo", "Juniper", "Keystone", "Lake", "Meridian", "Orbit", "Pacific", "Sky", "Tidal", "West",
)
NAME_ROOTS = (
    "wind", "field", "bridge", "point", "works", "path", "gate", "line", "peak", "forge", "light",
    "leaf", "rock", "star", "view", "port", "crest", "dale", "hill", "brook", "wood", "ridge",
    "spring", "mark", "shore", "land", "scope", "sphere", "stream", "core",
)
NAME_KINDS = (
    "Labs", "Systems", "Solutions", "Partners", "Group", "Digital", "Technologies", "Holdings",
    "Industries", "Networks",
)
COMPETITOR_UNITS = ("emea", "apac", "us", "uk", "de", "labs", "research", "sales")

BUYER_NEEDS = (
    "Replace spreadsheets for pipeline reporting", "Need a CRM for a growing sales team",
    "Consolidate marketing analytics", "Evaluating vendors this quarter",
    "Current tool contract ends soon", "Need forecasting for the board",
)
BROWSER_NEEDS = (
    "Just researching", "Learning about lead scoring", "Benchmarking tools", "Curious about pricing",
)
STUDENT_NEEDS = ("University project", "Thesis research", "Learning data analytics")
REJECTION_FALLBACK = ("Bad timing", "No budget", "Duplicate")
LOST_REASONS = (("Chose competitor", 40), ("Price", 30), ("No decision", 30))
