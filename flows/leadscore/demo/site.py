"""The demo company's web site and marketing: event types, event streams, pages, content,
webinars and campaigns."""

from __future__ import annotations

# fmt: off
# (tables of values, laid out by hand: one row per line)
SITE = "https://www.acme-analytics.example"

EVENT_TYPES: tuple[str, ...] = (
    "page_view",
    "email_sent",
    "email_open",
    "email_click",
    "content_download",
    "webinar_registration",
    "webinar_attendance",
    "social_engagement",
    "form_submission",
    "demo_request",
    "contact_sales",
    "unsubscribe",
    "email_bounce",
)
EV = {name: code for code, name in enumerate(EVENT_TYPES)}

# Streams: each lead's events are concatenated from these, and the stream id picks attributes.
S_EMAIL, S_BLOG, S_GENERAL, S_SOCIAL, S_CAREERS = 0, 1, 2, 3, 4
S_PRODUCT, S_PRICING, S_CONTENT, S_WEBINAR, S_DEMO, S_CONTACT = 5, 6, 7, 8, 9, 10

BLOG_TOPICS = (
    "lead-scoring", "pipeline-forecasting", "marketing-attribution", "crm-hygiene",
    "sales-dashboards", "customer-churn", "data-warehouse", "revenue-operations", "account-based-marketing",
    "email-deliverability", "b2b-funnels", "kpi-design", "cohort-analysis", "ab-testing",
    "data-quality", "sales-enablement", "intent-data", "product-analytics", "win-loss-analysis",
    "quota-planning",
)
BLOG_FORMATS = ("guide-to", "mistakes-in", "checklist-for", "trends-in", "case-for", "faq-on")
PRODUCT_PAGES = (
    "analytics-suite", "crm-platform", "dashboards", "forecasting", "pipeline", "attribution",
    "ai-insights", "workflow-automation",
)
FEATURE_PAGES = (
    "lead-scoring", "custom-reports", "alerts", "data-sync", "role-permissions", "sso",
    "api-access", "mobile-app", "embedded-analytics", "audit-log",
)
INTEGRATION_PAGES = (
    "salesforce", "hubspot", "slack", "snowflake", "bigquery", "redshift", "marketo", "zendesk",
    "stripe", "google-ads", "linkedin-ads", "segment", "dbt", "microsoft-teams", "zapier",
)
CASE_STUDIES = (
    "northwind-traders", "globex", "initech", "umbrella-health", "stark-industries",
    "wayne-financial", "acme-retail", "hooli", "vandelay-imports", "soylent-foods",
    "cyberdyne-systems", "tyrell-corp",
)
DOC_PAGES = (
    "getting-started", "installation", "data-sources", "dashboards", "api", "api/authentication",
    "api/webhooks", "sso-setup", "permissions", "scoring-rules", "imports", "exports",
    "salesforce-sync", "hubspot-sync", "faq", "release-notes", "troubleshooting", "limits",
    "billing", "security", "glossary", "sql-editor", "alerts", "embedding", "mobile",
    "changelog", "migrations", "best-practices", "support", "status",
)
CAREER_PAGES = (
    "senior-data-engineer", "account-executive", "product-designer", "sales-development-rep",
    "customer-success-manager", "backend-engineer", "frontend-engineer", "marketing-manager",
    "solutions-engineer", "data-scientist", "recruiter", "finance-analyst",
)
# (title, landing page path): gated content behind a form
CONTENT = (
    ("The State of B2B Analytics 2025 (whitepaper)", "/blog/trends-in-b2b-funnels"),
    ("CRM Buyer's Guide (ebook)", "/product/crm-platform"),
    ("Lead Scoring Playbook (ebook)", "/features/lead-scoring"),
    ("Forecasting Accuracy Benchmark (report)", "/product/forecasting"),
    ("Analytics Suite Datasheet", "/product/analytics-suite"),
    ("ROI Calculator Workbook", "/pricing"),
    ("Globex Case Study (pdf)", "/customers/globex"),
    ("Umbrella Health Case Study (pdf)", "/customers/umbrella-health"),
    ("Data Warehouse Sync Whitepaper", "/features/data-sync"),
    ("Security & Compliance Overview", "/docs/security"),
    ("Attribution Modeling Guide (ebook)", "/blog/guide-to-marketing-attribution"),
    ("Revenue Operations Maturity Model (report)", "/blog/guide-to-revenue-operations"),
)
WEBINARS = (
    "Lead Scoring in Practice", "Forecasting Without Spreadsheets", "From CRM Chaos to Clean Pipeline",
    "Attribution That Finance Trusts", "Analytics Suite Live Demo", "Building a RevOps Data Stack",
    "Customer Panel: Scaling Sales Analytics", "What's New in Acme Analytics",
)
PAID_CAMPAIGNS = (
    "brand_search", "competitor_search", "generic_analytics_search", "linkedin_abm",
    "retargeting_display", "g2_listing", "capterra_listing", "podcast_sponsorship",
)
SYNDICATION_CAMPAIGNS = (
    "content_syndication_techtarget", "content_syndication_integrate", "content_syndication_netline",
)
SOCIAL_CAMPAIGNS = ("linkedin_organic", "x_organic", "youtube_channel", "linkedin_employee_advocacy")
THURSDAY_CAMPAIGNS = ("product_update", "webinar_invite", "customer_story", "nurture_roi_guide")
