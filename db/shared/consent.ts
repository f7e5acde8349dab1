export const LAWFUL_BASES = ['consent', 'public_task', 'legitimate_interest'] as const;

export type LawfulBasis = (typeof LAWFUL_BASES)[number];

export const SUBSCRIPTION_STATUSES = ['pending', 'subscribed', 'unsubscribed'] as const;

export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];

export const CONSENT_EVENT_TYPES = ['subscribed', 'confirmed', 'unsubscribed', 'objected', 'suppressed', 'unsuppressed', 'erased'] as const;

export type ConsentEventType = (typeof CONSENT_EVENT_TYPES)[number];

/** How consent was obtained. */
export const CONSENT_METHODS = ['website_form', 'programme_day', 'business_card', 'email', 'phone', 'import'] as const;

export const SUPPRESSION_REASONS = ['unsubscribed_all', 'objection', 'hard_bounce', 'complaint', 'erased', 'manual'] as const;

export type SuppressionReason = (typeof SUPPRESSION_REASONS)[number];

/** Every value the ledger's source column can hold. */
export const EVENT_SOURCES = [
  ...CONSENT_METHODS, 'in_person', 'letter', 'unsubscribe_link', 'register', 'bounce', 'complaint', 'retention', 'confirmation_expired', 'avg_request', 'staff',
] as const;

export type EventSource = (typeof EVENT_SOURCES)[number];

export const AVG_REQUEST_KINDS = ['access', 'correction', 'erasure', 'objection', 'portability'] as const;

export type AvgRequestKind = (typeof AVG_REQUEST_KINDS)[number];

export const AVG_REQUEST_STATUSES = ['open', 'in_progress', 'done', 'refused'] as const;

export type AvgRequestStatus = (typeof AVG_REQUEST_STATUSES)[number];

export const AVG_REQUEST_CHANNELS = ['email', 'phone', 'in_person', 'letter', 'website'] as const;

export type AvgRequestChannel = (typeof AVG_REQUEST_CHANNELS)[number];
