/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * Internals shared by the files that make up VzServer: the instance struct,
 * the per-request context, the JSON/validation helpers and the route
 * handlers. Nothing here is API for other layers.
 */

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "vz-db.h"
#include "vz-listener.h"
#include "vz-server.h"
#include "vz-server-error.h"

#include "vz-health-rules.h"
#include "vz-hub.h"
#include "vz-schedule-index.h"

G_BEGIN_DECLS

#define VZ_API_PREFIX            "/api/v1"
/* Sign-in throttling (vz-server-throttle.c, docs/sign-in-throttling.md). */
#define VZ_SIGN_IN_ACCOUNT_MAX_DELAY_MS ((gint64) 15 * 60 * 1000)
#define VZ_SIGN_IN_CLIENT_MAX_DELAY_MS  ((gint64) 60 * 60 * 1000)
#define VZ_SIGN_IN_FORGET_MS            ((gint64) 24 * 3600 * 1000)
/* Keys each throttle table remembers at most (accounts, clients, tokens). */
#define VZ_THROTTLE_MAX_RECORDS         100000
#define VZ_PAIRING_METADATA_MAX         2048
#define VZ_REFRESH_TOKEN_TTL     (30 * 24 * 3600)
#define VZ_PAIRING_TTL_SECONDS   300
#define VZ_PAIRING_MAX_OPEN      50000
#define VZ_IDEMPOTENCY_TTL_MS    ((gint64) 24 * 3600 * 1000)
/* The fault file's "slow N": N answers, each this late. */
#define VZ_FAULT_SLOW            1
#define VZ_FAULT_SLOW_MS         1000
#define VZ_STATUS_BATCH_MAX      500

/* Failures per key, each one making the next attempt wait longer. */
typedef struct _VzBackoffRecord VzBackoffRecord;
typedef struct {
  guint       free_attempts;    /* counted attempts before any wait */
  gint64      first_delay_ms;   /* the first wait, doubled by each further failure */
  gint64      max_delay_ms;
  GHashTable *records;          /* key → VzBackoffRecord */
} VzBackoff;

/* At most @limit admissions per key in any @window_ms. */
typedef struct _VzRateRecord VzRateRecord;
typedef struct {
  guint       limit;
  gint64      window_ms;
  GHashTable *records;          /* key → VzRateRecord */
} VzRate;

/* Live state of one screen, kept in memory and written behind to SQLite once
 * a second: heartbeats from thousands of screens must not each cost a commit. */
typedef struct {
  char       *id;
  char       *organization_id;
  const char *status;            /* interned */
  gint64      last_heartbeat;    /* ms since the epoch, 0 = never */
  guint       connections;       /* open device sockets */
  gboolean    has_metrics;
  double      cpu_usage;
  double      memory_usage;
  double      disk_usage;
  double      temperature;       /* NAN when the screen does not report it */
  gint64      uptime;            /* seconds, -1 unknown */
  gint64      last_sample;       /* when metrics were last added to the history */
  struct _VzMetricsHistory *history;  /* vz-server-metrics.c; NULL until the first sample */
  gboolean    dirty;
  char       *current_content_id;  /* the heartbeat's currentContent, NULL when not said */
  char       *current_playlist_id;
  VzHealthState health;          /* which alerts are open (vz-server-health.c) */
} VzDeviceState;

struct _VzServer
{
  GObject       parent_instance;

  /* configuration */
  char         *data_dir;
  char         *listen_host;
  guint         listen_port;
  char         *admin_email;
  char         *admin_password;
  guint         access_token_ttl;
  guint         max_displays;
  guint         offline_timeout;
  char         *fault_file;      /* testing aid, NULL unless --fault-file */
  char         *clock_file;      /* testing aid, NULL unless --clock-file */
  guint         header_timeout;  /* seconds; see VzListener */
  guint         request_timeout;
  guint         max_connections; /* 0: from the descriptor limit */
  guint         max_connections_per_address;
  guint         max_connections_per_loopback;
  guint         ping_interval;   /* seconds; realtime */
  guint         heartbeat_interval; /* seconds a screen is asked to wait between heartbeats */
  guint         ping_timeout;
  guint         connect_timeout;

  /* running state */
  SoupServer   *soup;
  VzListener   *listener;
  VzDb         *db;
  gpointer      hub;             /* VzHub* when the realtime hub is built in */
  char         *url;
  char         *media_dir;
  char         *organization_id; /* the one organization of a local server */
  char         *dummy_hash;      /* verified against for unknown emails: same timing */
  guint16       port;
  gboolean      running;

  guint         sign_in_account_free;
  guint         sign_in_client_free;
  guint         sign_in_first_delay_ms;
  guint         pairing_rate_limit;  /* public pairing requests per minute per client */
  guint         connect_rate_limit;  /* realtime connects per minute per token */
  VzBackoff     sign_in_accounts;    /* lower-case email */
  VzBackoff     sign_in_clients;     /* _vz_request_client_key() */
  VzRate        pairing_rate;        /* _vz_request_client_key() */
  VzRate        connect_rate;        /* digest of the token a realtime peer connects with */
  GHashTable   *devices;         /* display id → VzDeviceState* */
  GHashTable   *online;          /* display id → VzDeviceState* (borrowed), status online */
  GHashTable   *dirty;           /* display ids waiting for the write-behind */
  GPtrArray    *impressions;     /* impressions waiting for the write-behind */
  guint         counts_source;   /* counting uncounted metrics chunks (vz-server-metrics-counts.c) */
  GPtrArray    *counts_waiting;  /* VzRequest*: availability requests waiting for that */
  guint         sweeps;
  GCancellable *cancellable;     /* cancelled on stop: pending answers are dropped */
  guint         flush_source;
  guint         sweep_source;
  guint         maintenance_source;
  VzScheduleIndex *schedule_index;  /* every screen, group and schedule */
  guint         schedule_source;
  gint64        schedule_minute;  /* of the last tick, in minutes since the epoch */

  /* injected faults left to answer (see "fault-file") */
  guint         fault_remaining;
  guint         fault_status;    /* 500, 503, VZ_FAULT_SLOW, or 0 for dropping the connection */
  char         *fault_method;    /* only requests with this method, or NULL: all */
};

typedef enum {
  VZ_ROUTE_AUTH       = 0,
  VZ_ROUTE_PUBLIC     = 1 << 0,  /* no Bearer token needed */
  VZ_ROUTE_WRITE      = 1 << 1,  /* admin or manager */
  VZ_ROUTE_ADMIN      = 1 << 2,  /* admin only */
  /* Honours Idempotency-Key. The contract names POST; PATCH and DELETE take it
   * too, so an outbox that replays after a crash gets the first answer back
   * instead of a 412 from its own earlier write. */
  VZ_ROUTE_IDEMPOTENT = 1 << 3,
  /* A screen's device token is accepted too (role "device"): the media
   * a screen plays. */
  VZ_ROUTE_DEVICE     = 1 << 4,
  /* The body is streamed to the route as it arrives (uploads) instead of
   * being gathered in memory first. */
  VZ_ROUTE_STREAM     = 1 << 5,
} VzRouteFlags;

#define VZ_MAX_PARAMS 4

typedef struct {
  VzServer          *server;
  SoupServerMessage *msg;
  const char        *method;
  char              *path;          /* after /api/v1, without the query */
  const char        *params[VZ_MAX_PARAMS];
  char             **segments;
  GHashTable        *query;         /* decoded query, never NULL */
  JsonNode          *body_node;
  JsonObject        *body;          /* NULL without a body */
  GPtrArray         *problems;      /* validation messages → a message array */
  gint64             now;           /* ms since the epoch, taken once per request */

  /* the signed-in user */
  char              *user_id;
  char              *organization_id;
  char              *role;
  char              *token_digest;
  char              *session_id;    /* the sign-in session the token belongs to */

  /* what was answered, for Idempotency-Key replay */
  guint              reply_status;
  char              *reply_body;
  gboolean           paused;
  gboolean           held;          /* the answer waits for an injected "slow" fault */
  gboolean           disconnected;  /* the peer hung up while we were busy */
  gulong             disconnected_id;
} VzRequest;

typedef gboolean (*VzRouteFunc) (VzServer  *self,
                                 VzRequest *req,
                                 GError   **error);

/* The request's Idempotency-Key header, or NULL. */
const char *_vz_request_idempotency_key     (VzRequest   *req);
/* Records that @key was answered with @status and @body (the whole answer's
 * text), for a replay within VZ_IDEMPOTENCY_TTL_MS. Call it in the
 * transaction of the change, so the two commit together. */
void        _vz_server_idempotency_store    (VzServer    *self,
                                             VzRequest   *req,
                                             const char  *key,
                                             guint        status,
                                             const char  *body);

/* --- vz-server-http.c: plumbing ---------------------------------------- */

void        _vz_server_http_attach          (VzServer    *self);
void        _vz_server_close_after_reply    (SoupServerMessage *msg);
/* Requests are reference counted so an answer can be given after the handler
 * returned (password checks run on a worker thread with the message paused). */
VzRequest  *_vz_request_ref                 (VzRequest   *req);
void        _vz_request_unref               (VzRequest   *req);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VzRequest, _vz_request_unref)
/* Holds the answer back until _vz_reply_*() is called later. */
void        _vz_request_pause               (VzRequest   *req);
/* Answers @error as the platform's error body and unpauses if needed. */
void        _vz_reply_error                 (VzRequest   *req,
                                             const GError *error);
gint64      _vz_now_ms                      (void);
/* The "clock-file" testing aid for _vz_now_ms() (NULL: the real clock). */
void        _vz_set_clock_file              (const char *path);
char       *_vz_format_time                 (gint64       ms);
/* Parses an ISO-8601 time (as written by _vz_format_time or the platform). */
gboolean    _vz_parse_time                  (const char  *text,
                                             gint64      *ms);
char       *_vz_sanitize_text               (const char  *text);
gboolean    _vz_is_uuid                     (const char  *text);
/* What can name a row at all (ids are UUIDs here, opaque strings on the
 * platform): a non-empty string of at most 128 bytes. */
gboolean    _vz_is_row_id                   (const char  *id);

JsonNode   *_vz_node_from_builder           (JsonBuilder *builder);
void        _vz_builder_add_string_or_null  (JsonBuilder *builder,
                                             const char  *name,
                                             const char  *value);
void        _vz_builder_add_time_or_null    (JsonBuilder *builder,
                                             const char  *name,
                                             gint64       ms);   /* 0 → null */
void        _vz_builder_add_column_time     (JsonBuilder *builder,
                                             const char  *name,
                                             VzStmt      *stmt,
                                             int          column);
void        _vz_builder_add_column_int_or_null (JsonBuilder *builder,
                                                const char  *name,
                                                VzStmt      *stmt,
                                                int          column);
void        _vz_builder_add_column_string   (JsonBuilder *builder,
                                             const char  *name,
                                             VzStmt      *stmt,
                                             int          column);
char       *_vz_json_to_string              (JsonNode    *node);
/* Type-checked member access for JSON a peer sent: never a critical. */
const char *_vz_json_string                 (JsonObject  *object,
                                             const char  *name);   /* NULL unless a string */
gboolean    _vz_json_number                 (JsonObject  *object,
                                             const char  *name,
                                             double      *value);  /* finite numbers only */
JsonObject *_vz_json_object                 (JsonObject  *object,
                                             const char  *name);   /* NULL unless an object */

/* {success:true, data:@data} (transfer full). */
void        _vz_reply_data                  (VzRequest   *req,
                                             guint        status,
                                             JsonNode    *data);
/* @root as the body, unwrapped (transfer full). */
void        _vz_reply_json                  (VzRequest   *req,
                                             guint        status,
                                             JsonNode    *root);
/* {data:[…], meta:{page,limit,total,totalPages}} inside the envelope. */
void        _vz_reply_page                  (VzRequest   *req,
                                             JsonNode    *items,
                                             guint        page,
                                             guint        limit,
                                             gint64       total);
guint       _vz_success_status              (VzRequest   *req);  /* 201 for POST, else 200 */

typedef enum {
  VZ_FIELD_STRING,
  VZ_FIELD_STRING_OR_NULL,
  VZ_FIELD_BOOLEAN,
  VZ_FIELD_NUMBER,
  VZ_FIELD_OBJECT,
  VZ_FIELD_STRING_ARRAY,         /* 1–100 non-empty strings */
  VZ_FIELD_ARRAY,                /* any array: the route checks its elements */
  VZ_FIELD_ANY,                  /* any JSON value: the route checks it */
} VzFieldType;

typedef struct {
  const char  *name;
  VzFieldType  type;
  gboolean     required;
  guint        max_length;       /* characters, 0 = no limit */
} VzFieldSpec;

/* Validates the JSON body against @spec: unknown members, types, lengths and
 * required members; every problem is reported at once, as the platform does. */
gboolean    _vz_request_check_body          (VzRequest         *req,
                                             const VzFieldSpec *spec,
                                             guint              n_spec,
                                             GError           **error);
/* Adds a validation message that _vz_request_check_body() reports with its
 * own (call it before). */
void        _vz_request_add_problem         (VzRequest   *req,
                                             const char  *message);
gboolean    _vz_request_has_member          (VzRequest   *req,
                                             const char  *name);
/* Trimmed, tag-free copy of a string member; NULL when absent or null. */
char       *_vz_request_dup_string          (VzRequest   *req,
                                             const char  *name);
JsonArray  *_vz_request_get_array           (VzRequest   *req,
                                             const char  *name);
/* Rejects any query key not in @allowed (NULL-terminated). */
gboolean    _vz_request_check_query         (VzRequest          *req,
                                             const char * const *allowed,
                                             GError            **error);
/* Rejects query value @name unless it is absent or one of @allowed. */
gboolean    _vz_request_check_choice        (VzRequest          *req,
                                             const char         *name,
                                             const char * const *allowed,
                                             GError            **error);
gboolean    _vz_request_pagination          (VzRequest   *req,
                                             guint       *page,
                                             guint       *limit,
                                             GError     **error);
/* 412 when If-Match names another version than @updated_at. */
gboolean    _vz_request_check_if_match      (VzRequest   *req,
                                             gint64       updated_at,
                                             const char  *what,
                                             GError     **error);
/* A new updated_at that is strictly later than @previous, so If-Match always
 * sees a change even for two edits in the same millisecond. */
gint64      _vz_next_updated_at             (VzRequest   *req,
                                             gint64       previous);
/* Replaces *@field with @value (taken) only when they differ, and then sets
 * *@changed: an edit that changes nothing keeps updated_at, so a colleague's
 * If-Match stays valid. */
void        _vz_apply_change                (char       **field,
                                             char        *value,
                                             gboolean    *changed);
/* The "name" member of a PATCH: *@name is NULL when the member is absent;
 * when present it must not be empty once trimmed. */
gboolean    _vz_request_patch_name          (VzRequest   *req,
                                             char       **name,
                                             GError     **error);
/* What the routes of one kind of row (a screen, a group) share: the query
 * for one row (id as ?1, organization as ?2), the column of its updated_at,
 * which ids can name a row at all, and the words for it in errors. */
typedef struct {
  const char  *select_sql;
  int          updated_column;
  gboolean   (*valid_id) (const char *id);
  const char  *what;           /* "The @what was changed by someone else…" (412) */
  const char  *not_found;      /* the 404 sentence */
} VzRowKind;

/* The row of the organization that @id names; NOT_FOUND when @id cannot
 * name one (no query is made then) or the row is not there. */
VzStmt     *_vz_select_owned_row            (VzServer        *self,
                                             const VzRowKind *kind,
                                             const char      *organization_id,
                                             const char      *id,
                                             GError         **error);
/* The row a write to req->params[0] starts from: found as by
 * _vz_select_owned_row(), then 412 unless If-Match names its version. */
VzStmt     *_vz_select_for_change           (VzServer        *self,
                                             VzRequest       *req,
                                             const VzRowKind *kind,
                                             GError         **error);
/* Adds the members of the row @stmt is on to the open object of @builder. */
typedef gboolean (*VzAddRowFunc) (VzServer    *self,
                                  JsonBuilder *builder,
                                  VzStmt      *stmt,
                                  GError     **error);
/* A whole list route: checks ?page and ?limit (and no other key), counts the
 * organization's rows with @count_sql (organization as ?1), runs @page_sql
 * with the organization as ?1 and LIMIT and OFFSET as ?2 and ?3, and answers
 * the page with one object per row, filled by @add_row. */
gboolean    _vz_reply_list                  (VzServer    *self,
                                             VzRequest   *req,
                                             const char  *count_sql,
                                             const char  *page_sql,
                                             VzAddRowFunc add_row,
                                             GError     **error);
/* Binds a list query's own parameters (from ?4 on) to @stmt. */
typedef void (*VzBindFunc) (VzStmt   *stmt,
                            gpointer  data);
/* The page @page of @limit rows, as _vz_reply_list() answers it once the
 * query is checked; @bind (nullable) binds the filters of both queries. */
gboolean    _vz_reply_rows                  (VzServer    *self,
                                             VzRequest   *req,
                                             guint        page,
                                             guint        limit,
                                             const char  *count_sql,
                                             const char  *page_sql,
                                             VzBindFunc   bind,
                                             gpointer     bind_data,
                                             VzAddRowFunc add_row,
                                             GError     **error);

/* Answers @msg at once with the platform's error body and closes the
 * connection, leaving the rest of the request body unread (early handlers
 * and body chunks). */
void        _vz_server_refuse               (SoupServerMessage *msg,
                                             guint        status,
                                             const char  *message);

/* --- vz-server-auth.c --------------------------------------------------- */

gboolean    _vz_server_bootstrap            (VzServer    *self,
                                             GError     **error);
/* Looks up a user's access token; fills the request's user fields. */
gboolean    _vz_server_authenticate_request (VzServer    *self,
                                             VzRequest   *req,
                                             GError     **error);
/* Looks up a screen's device token (Bearer); fills the request's
 * organization, with role "device" and no user. */
gboolean    _vz_server_authenticate_device  (VzServer    *self,
                                             VzRequest   *req);
/* The screen and organization a device token belongs to. */
gboolean    _vz_server_lookup_device_token  (VzServer    *self,
                                             const char  *token,
                                             char       **display_id,
                                             char       **organization_id);
gboolean    _vz_server_lookup_access_token  (VzServer    *self,
                                             const char  *token,
                                             char       **user_id,
                                             char       **organization_id,
                                             char       **role,
                                             char       **session_id);
/* Whether the sign-in session (refresh-token family) can still be used or
 * renewed at @now. */
gboolean    _vz_server_session_alive        (VzServer    *self,
                                             const char  *session_id,
                                             gint64       now);
void        _vz_server_auth_maintenance     (VzServer    *self);

gboolean    _vz_route_auth_login            (VzServer *self, VzRequest *req, GError **error);
gboolean    _vz_route_auth_refresh          (VzServer *self, VzRequest *req, GError **error);
gboolean    _vz_route_auth_me               (VzServer *self, VzRequest *req, GError **error);
gboolean    _vz_route_auth_logout           (VzServer *self, VzRequest *req, GError **error);

/* --- vz-server-throttle.c ------------------------------------------------ */

/* The client a request comes from: its IPv4 address or IPv6 /64 network. */
char       *_vz_request_client_key          (VzRequest   *req);
void        _vz_server_throttle_init        (VzServer    *self);
void        _vz_server_throttle_clear       (VzServer    *self);
void        _vz_server_throttle_maintenance (VzServer    *self,
                                             gint64       now);
/* Counts a sign-in attempt at @now as failed before its password is
 * checked and returns 0, or returns how long (ms) the client or the account
 * must wait first (nothing is counted then). */
gint64      _vz_sign_in_take                (VzServer    *self,
                                             const char  *account,
                                             const char  *client,
                                             gint64       now);
/* _vz_sign_in_take() for a request: refuses with RATE_LIMITED and
 * Retry-After while the client or the account must wait. */
gboolean    _vz_sign_in_admit               (VzServer    *self,
                                             VzRequest   *req,
                                             const char  *account,
                                             const char  *client,
                                             GError     **error);
/* The admitted attempt had the right password. */
void        _vz_sign_in_succeeded           (VzServer    *self,
                                             const char  *account,
                                             const char  *client);
void        _vz_backoff_init                (VzBackoff   *backoff,
                                             guint        free_attempts,
                                             gint64       first_delay_ms,
                                             gint64       max_delay_ms);
void        _vz_backoff_clear               (VzBackoff   *backoff);
void        _vz_rate_init                   (VzRate      *rate,
                                             guint        limit,
                                             gint64       window_ms);
void        _vz_rate_clear                  (VzRate      *rate);
/* Admits one more for @key at @now: 0, or how long (ms) until it would be. */
gint64      _vz_rate_take                   (VzRate      *rate,
                                             const char  *key,
                                             gint64       now);
/* _vz_rate_take() for a request: refuses with RATE_LIMITED and Retry-After,
 * saying "Too many @what from this address". */
gboolean    _vz_rate_admit                  (VzRate      *rate,
                                             VzRequest   *req,
                                             const char  *key,
                                             const char  *what,
                                             GError     **error);

/* --- vz-server-displays.c ----------------------------------------------- */

/* The display JSON (list item, or detail with groups/metadata/schedules). */
JsonNode   *_vz_server_display_json         (VzServer    *self,
                                             const char  *organization_id,
                                             const char  *display_id,
                                             gboolean     detail,
                                             GError     **error);
gboolean    _vz_server_delete_display       (VzServer    *self,
                                             const char  *organization_id,
                                             const char  *display_id,
                                             GError     **error);

gboolean    _vz_route_displays_list         (VzServer *self, VzRequest *req, GError **error);
gboolean    _vz_route_displays_get          (VzServer *self, VzRequest *req, GError **error);
gboolean    _vz_route_displays_patch        (VzServer *self, VzRequest *req, GError **error);
gboolean    _vz_route_displays_delete       (VzServer *self, VzRequest *req, GError **error);
gboolean    _vz_route_displays_bulk_delete  (VzServer *self, VzRequest *req, GError **error);
gboolean    _vz_route_displays_bulk_group   (VzServer *self, VzRequest *req, GError **error);
gboolean    _vz_route_displays_bulk_playlist (VzServer *self, VzRequest *req, GError **error);
gboolean    _vz_route_displays_metrics      (VzServer *self, VzRequest *req, GError **error);
gboolean    _vz_route_screenshot_request    (VzServer *self, VzRequest *req, GError **error);
gboolean    _vz_route_screenshot_get        (VzServer *self, VzRequest *req, GError **error);
/* Serves a stored screenshot outside /api/v1's JSON world. */
void        _vz_server_serve_media          (VzServer          *self,
                                             SoupServerMessage *msg,
                                             const char        *path);
/* Stores a screenshot a device sent (base64 PNG/JPEG) and announces it. */
gboolean    _vz_server_store_screenshot     (VzServer    *self,
                                             const char  *organization_id,
                                             const char  *display_id,
                                             JsonObject  *payload,
                                             GError     **error);

/* --- vz-server-pairing.c ------------------------------------------------ */

gboolean    _vz_route_pairing_request       (VzServer *self, VzRequest *req, GError **error);
gboolean    _vz_route_pairing_status        (VzServer *self, VzRequest *req, GError **error);
gboolean    _vz_route_pairing_complete      (VzServer *self, VzRequest *req, GError **error);
gboolean    _vz_route_pairing_active        (VzServer *self, VzRequest *req, GError **error);
void        _vz_server_pairing_maintenance  (VzServer    *self);

/* --- vz-server-groups.c ------------------------------------------------- */

/* Adds displays to a group (ids already validated as belonging to the org). */
gboolean    _vz_server_group_add_displays   (VzServer    *self,
                                             VzRequest   *req,
                                             const char  *group_id,
                                             JsonArray   *display_ids,
                                             guint       *added,
                                             GError     **error);

gboolean    _vz_route_groups_list           (VzServer *self, VzRequest *req, GError **error);
gboolean    _vz_route_groups_create         (VzServer *self, VzRequest *req, GError **error);
gboolean    _vz_route_groups_get            (VzServer *self, VzRequest *req, GError **error);
gboolean    _vz_route_groups_patch          (VzServer *self, VzRequest *req, GError **error);
gboolean    _vz_route_groups_delete         (VzServer *self, VzRequest *req, GError **error);
gboolean    _vz_route_groups_add            (VzServer *self, VzRequest *req, GError **error);
gboolean    _vz_route_groups_remove         (VzServer *self, VzRequest *req, GError **error);

/* --- vz-server-content.c ------------------------------------------------ */

#define VZ_CONTENT_DEFAULT_DURATION 10
/* The longest duration (seconds) of content or a playlist item: a day. */
#define VZ_DURATION_MAX             86400

/* The integer member @name of the body, if present, into *@value; 400 when
 * it is not an integer within @min..@max. *@value is left alone when absent. */
gboolean    _vz_request_integer             (VzRequest   *req,
                                             const char  *name,
                                             gint64       min,
                                             gint64       max,
                                             gint64      *value,
                                             GError     **error);
/* _vz_request_integer() for a JSON value @node (any), reported as @name. */
gboolean    _vz_json_integer                (JsonNode    *node,
                                             const char  *name,
                                             gint64       min,
                                             gint64       max,
                                             gint64      *value,
                                             GError     **error);
/* The content detail JSON (transfer full), or NOT_FOUND. */
JsonNode   *_vz_server_content_json         (VzServer    *self,
                                             const char  *organization_id,
                                             const char  *content_id,
                                             GError     **error);

gboolean    _vz_route_content_list          (VzServer *self, VzRequest *req, GError **error);
gboolean    _vz_route_content_get           (VzServer *self, VzRequest *req, GError **error);
gboolean    _vz_route_content_create        (VzServer *self, VzRequest *req, GError **error);
gboolean    _vz_route_content_patch         (VzServer *self, VzRequest *req, GError **error);
gboolean    _vz_route_content_archive       (VzServer *self, VzRequest *req, GError **error);
gboolean    _vz_route_content_delete        (VzServer *self, VzRequest *req, GError **error);

/* --- vz-server-playlists.c ---------------------------------------------- */

#define VZ_PLAYLIST_ITEM_DEFAULT_DURATION 30
/* Enough for the longest playlists people build (2,000 items and more),
 * small enough that a reorder naming every item fits in BODY_PLAYLIST. */
#define VZ_PLAYLIST_MAX_ITEMS             5000

/* The `playlist:update` payload for a screen: the playlist it plays, with
 * each item's effective duration, or {playlist: null} when @playlist_id is
 * NULL (transfer full). */
JsonNode   *_vz_server_device_playlist      (VzServer    *self,
                                             const char  *organization_id,
                                             const char  *playlist_id,
                                             GError     **error);
/* Sends @playlist_id (NULL: none) to the connected screens of @display_ids. */
void        _vz_server_send_playlist_to_screens (VzServer   *self,
                                                 const char *organization_id,
                                                 const char *playlist_id,
                                                 GPtrArray  *display_ids);
/* Tells the screens that play the playlist and the organization's
 * dashboards that it changed (@action: created, updated, deleted, reordered). */
void        _vz_server_playlist_changed     (VzServer    *self,
                                             const char  *organization_id,
                                             const char  *playlist_id,
                                             const char  *action);
/* _vz_server_playlist_changed() that returns the playlist JSON it sent
 * (transfer full), NULL for "deleted" or when it could not be read. */
JsonNode   *_vz_server_announce_playlist    (VzServer    *self,
                                             const char  *organization_id,
                                             const char  *playlist_id,
                                             const char  *action);
/* The ids of the organization's playlists that have @content_id as an item
 * (transfer full), NULL on error. */
GPtrArray  *_vz_server_playlists_using      (VzServer    *self,
                                             const char  *organization_id,
                                             const char  *content_id,
                                             GError     **error);
/* _vz_server_playlist_changed() ("updated") for every playlist that uses
 * @content_id: its name, address or duration is part of what they show. */
void        _vz_server_content_changed      (VzServer    *self,
                                             const char  *organization_id,
                                             const char  *content_id);
/* NOT_FOUND unless @playlist_id is a playlist of the organization. */
gboolean    _vz_server_check_playlist       (VzServer    *self,
                                             const char  *organization_id,
                                             const char  *playlist_id,
                                             GError     **error);

/* Shared by the playlist files: the playlist req->params[0] for a change
 * (404, 412 as _vz_select_for_change()), its JSON, the answer with it. */
VzStmt     *_vz_select_playlist_for_change  (VzServer    *self,
                                             VzRequest   *req,
                                             GError     **error);
JsonNode   *_vz_server_playlist_json        (VzServer    *self,
                                             const char  *organization_id,
                                             const char  *playlist_id,
                                             GError     **error);
gboolean    _vz_reply_playlist              (VzServer    *self,
                                             VzRequest   *req,
                                             const char  *playlist_id,
                                             guint        status,
                                             GError     **error);
/* The item @item_id of the playlist req->params[0], with the playlist it is
 * in as its "playlist" member: @playlist (transfer full) when the caller
 * has it, else read. */
gboolean    _vz_reply_playlist_item         (VzServer    *self,
                                             VzRequest   *req,
                                             const char  *item_id,
                                             guint        status,
                                             JsonNode    *playlist,
                                             GError     **error);
/* _vz_server_playlist_changed(), then the playlist it announced as the answer. */
gboolean    _vz_reply_announced_playlist    (VzServer    *self,
                                             VzRequest   *req,
                                             const char  *playlist_id,
                                             const char  *action,
                                             guint        status,
                                             GError     **error);
/* Moves the playlist's version on (inside the caller's transaction). */
gboolean    _vz_touch_playlist              (VzServer    *self,
                                             VzRequest   *req,
                                             const char  *playlist_id,
                                             GError     **error);
/* NOT_FOUND unless @content_id is content of the organization. */
gboolean    _vz_check_playlist_content      (VzServer    *self,
                                             VzRequest   *req,
                                             const char  *content_id,
                                             GError     **error);
/* @duration 0: the item has none of its own. *@item_id (nullable) gets the new id. */
gboolean    _vz_insert_playlist_item        (VzServer    *self,
                                             VzRequest   *req,
                                             const char  *playlist_id,
                                             const char  *content_id,
                                             gint64       position,
                                             gint64       duration,
                                             char       **item_id,
                                             GError     **error);

gboolean    _vz_route_playlists_list        (VzServer *self, VzRequest *req, GError **error);
gboolean    _vz_route_playlists_get         (VzServer *self, VzRequest *req, GError **error);
gboolean    _vz_route_playlists_create      (VzServer *self, VzRequest *req, GError **error);
gboolean    _vz_route_playlists_patch       (VzServer *self, VzRequest *req, GError **error);
gboolean    _vz_route_playlists_delete      (VzServer *self, VzRequest *req, GError **error);
gboolean    _vz_route_playlists_duplicate   (VzServer *self, VzRequest *req, GError **error);
gboolean    _vz_route_playlists_reorder     (VzServer *self, VzRequest *req, GError **error);
gboolean    _vz_route_playlist_items_add    (VzServer *self, VzRequest *req, GError **error);
gboolean    _vz_route_playlist_items_patch  (VzServer *self, VzRequest *req, GError **error);
gboolean    _vz_route_playlist_items_delete (VzServer *self, VzRequest *req, GError **error);

/* Removes @content_id from every playlist of the organization (inside the
 * caller's transaction), counting the items in *@removed; returns the ids of
 * the playlists that changed (transfer full), NULL on error. */
GPtrArray  *_vz_server_playlists_drop_content (VzServer    *self,
                                               VzRequest   *req,
                                               const char  *content_id,
                                               guint       *removed,
                                               GError     **error);

/* --- vz-server-impressions.c -------------------------------------------- */

/* Checks a screen's `content:impression` and queues it for the write-behind. */
gboolean    _vz_server_record_impression    (VzServer    *self,
                                             const char  *organization_id,
                                             const char  *display_id,
                                             JsonObject  *payload,
                                             GError     **error);
/* Writes the queued impressions inside the write-behind's transaction;
 * _vz_server_impressions_written() forgets them once it committed. */
gboolean    _vz_server_impressions_flush    (VzServer    *self,
                                             GError     **error);
void        _vz_server_impressions_written  (VzServer    *self);
gboolean    _vz_server_impressions_pending  (VzServer    *self);

/* --- vz-server-media.c -------------------------------------------------- */

/* Creates media/content, media/thumbnails and media/icons, and empties
 * media/uploads of what a stopped server left half-written. */
gboolean    _vz_server_media_start          (VzServer    *self,
                                             GError     **error);
/* Removes stored files (and thumbnails) that no content uses: what a server
 * stopped between storing an upload and recording it left behind. */
void        _vz_server_media_sweep          (VzServer    *self);
/* Where the file with SHA-256 @hash is kept, and its thumbnail. */
char       *_vz_server_media_file_path      (VzServer    *self,
                                             const char  *hash);
char       *_vz_server_media_thumbnail_path (VzServer    *self,
                                             const char  *hash);
/* The folder uploads are written to before they are complete. */
char       *_vz_server_media_upload_dir     (VzServer    *self);
/* Removes the file with @hash and its thumbnail once no content uses it. */
void        _vz_server_media_release        (VzServer    *self,
                                             const char  *hash);

/* A media address stored as a path of this server ("/api/v1/…"), as the
 * absolute URL clients and screens fetch; other values as they are. */
void        _vz_builder_add_column_media_url (VzServer   *self,
                                              JsonBuilder *builder,
                                              const char *name,
                                              VzStmt     *stmt,
                                              int         column);

gboolean    _vz_route_content_file          (VzServer *self, VzRequest *req, GError **error);
gboolean    _vz_route_content_thumbnail     (VzServer *self, VzRequest *req, GError **error);

/* --- vz-server-upload.c ------------------------------------------------- */

/* The largest request body an upload may have: the largest file (a video)
 * and room for the form around it. */
#define VZ_UPLOAD_MAX_BODY ((gsize) 101 * 1024 * 1024)

/* Early stage of POST /content/upload (from the early handler): checks the
 * token and the form's type before a byte of body is read, then streams the
 * file part to a temporary file as it arrives. */
void        _vz_server_upload_begin         (VzServer          *self,
                                             SoupServerMessage *msg);
gboolean    _vz_route_content_upload        (VzServer *self, VzRequest *req, GError **error);

/* --- vz-server-tags.c --------------------------------------------------- */

gboolean    _vz_route_tags_list             (VzServer *self, VzRequest *req, GError **error);
gboolean    _vz_route_tags_create           (VzServer *self, VzRequest *req, GError **error);
gboolean    _vz_route_content_bulk_tags     (VzServer *self, VzRequest *req, GError **error);

/* --- vz-server-fleet.c -------------------------------------------------- */

gboolean    _vz_route_fleet_commands        (VzServer *self, VzRequest *req, GError **error);

/* --- vz-server-realtime.c ----------------------------------------------- */

gboolean    _vz_server_devices_load         (VzServer    *self,
                                             GError     **error);
void        _vz_server_realtime_start       (VzServer    *self);
void        _vz_server_realtime_stop        (VzServer    *self);
VzDeviceState *_vz_server_device_lookup     (VzServer    *self,
                                             const char  *display_id);
/* Screens of every organization on this server. */
guint       _vz_server_device_count         (VzServer    *self);
void        _vz_server_device_added         (VzServer    *self,
                                             const char  *organization_id,
                                             const char  *display_id,
                                             const char  *status);
void        _vz_server_device_removed       (VzServer    *self,
                                             const char  *display_id);
void        _vz_server_devices_flush        (VzServer    *self);
/* The write-behind runs within a second. */
void        _vz_server_schedule_flush       (VzServer    *self);
gboolean    _vz_server_device_connected     (VzServer    *self,
                                             const char  *display_id);
/* Sends an event to a connected screen; FALSE when it is not connected. */
gboolean    _vz_server_send_to_device       (VzServer    *self,
                                             const char  *display_id,
                                             const char  *event,
                                             JsonNode    *payload);
void        _vz_server_emit_to_organization (VzServer    *self,
                                             const char  *organization_id,
                                             const char  *event,
                                             JsonNode    *payload);
/* Closes a screen's sockets (deleted or re-paired), telling it first. */
void        _vz_server_revoke_device        (VzServer    *self,
                                             const char  *display_id);
/* Closes the realtime sockets of a sign-in session that was logged out,
 * revoked or expired, telling them `session:expired {reason}` first. */
void        _vz_server_end_session          (VzServer    *self,
                                             const char  *session_id,
                                             const char  *reason);

/* --- vz-server-schedules.c ---------------------------------------------- */

/* The columns _vz_schedule_rule_from_row() reads, of "schedules s". */
#define VZ_SCHEDULE_RULE_COLUMNS \
  "s.id, s.playlist_id, s.display_id, s.display_group_id, s.start_date, s.end_date, s.start_time," \
  " s.end_time, s.days_of_week, s.priority, s.is_active, s.created_at"

/* Members of a schedule in a request body, checked: a problem is added for
 * _vz_request_check_body() to report, else the value is stored (a member
 * that is absent leaves it alone). A null time or end date is
 * VZ_SCHEDULE_NO_TIME / VZ_SCHEDULE_NO_END_DAY. */
void        _vz_schedule_read_time          (VzRequest   *req,
                                             const char  *name,
                                             int         *time);
void        _vz_schedule_read_day           (VzRequest   *req,
                                             const char  *name,
                                             gboolean     nullable,
                                             gint32      *day);
void        _vz_schedule_read_days_of_week  (VzRequest   *req,
                                             guint8      *days);
void        _vz_schedule_read_priority      (VzRequest   *req,
                                             gint64      *priority);
/* The integer in @column, or null. */
void        _vz_builder_add_nullable_int    (JsonBuilder *builder,
                                             const char  *name,
                                             VzStmt      *stmt,
                                             int          column);
/* @member: {id, @name_member} from two columns, or null when the id is. */
void        _vz_builder_add_reference       (JsonBuilder *builder,
                                             const char  *member,
                                             const char  *name_member,
                                             VzStmt      *stmt,
                                             int          id_column,
                                             int          name_column);

/* A rule from a row whose columns, from @first_column, are id, playlist_id,
 * display_id, display_group_id, start_date, end_date, start_time, end_time,
 * days_of_week, priority, is_active, created_at (transfer full). */
VzScheduleRule *_vz_schedule_rule_from_row  (VzStmt      *stmt,
                                             int          first_column);
/* NOT_FOUND with @not_found unless @id (NULL: nothing to check) is a row of
 * @table ("displays", "display_groups" or "playlists") of the organization. */
gboolean    _vz_server_check_owned          (VzServer    *self,
                                             const char  *organization_id,
                                             const char  *table,
                                             const char  *id,
                                             const char  *not_found,
                                             GError     **error);
/* @days as the array of weekdays (0 = Sunday) named @name. */
void        _vz_builder_add_days_of_week    (JsonBuilder *builder,
                                             const char  *name,
                                             guint8       days);
/* How many schedules play @playlist_id (_count.schedules of a playlist). */
gint64      _vz_server_count_playlist_schedules (VzServer   *self,
                                                 const char *playlist_id);
/* The "schedules" member of a screen's detail: its own schedules. */
gboolean    _vz_server_add_display_schedules (VzServer    *self,
                                              JsonBuilder *builder,
                                              const char  *display_id,
                                              GError     **error);

gboolean    _vz_route_schedules_list        (VzServer *self, VzRequest *req, GError **error);
gboolean    _vz_route_schedules_get         (VzServer *self, VzRequest *req, GError **error);
gboolean    _vz_route_schedules_create      (VzServer *self, VzRequest *req, GError **error);
gboolean    _vz_route_schedules_patch       (VzServer *self, VzRequest *req, GError **error);
gboolean    _vz_route_schedules_delete      (VzServer *self, VzRequest *req, GError **error);
gboolean    _vz_route_schedules_duplicate   (VzServer *self, VzRequest *req, GError **error);

/* --- vz-server-schedule-conflicts.c ------------------------------------- */

gboolean    _vz_route_schedules_conflicts   (VzServer *self, VzRequest *req, GError **error);

/* --- vz-server-scheduler.c ---------------------------------------------- */

/* Reads every screen, group and schedule, decides what each screen plays
 * and ticks at every minute boundary of the server's clock. */
void        _vz_server_scheduler_start      (VzServer    *self);
void        _vz_server_scheduler_stop       (VzServer    *self);
/* After a change (committed) to what decides a screen's playlist: each
 * reads the change and decides again at once, telling the screens whose
 * playlist changed and the dashboards. */
void        _vz_server_scheduler_schedule_changed (VzServer   *self,
                                                   const char *schedule_id);
void        _vz_server_scheduler_screen_changed   (VzServer   *self,
                                                   const char *display_id);
void        _vz_server_scheduler_screens_changed  (VzServer           *self,
                                                   const char * const *display_ids,
                                                   guint               n_display_ids);
/* After a change too wide to follow (a group or a playlist deleted with
 * its schedules): reads everything again. */
void        _vz_server_scheduler_reload     (VzServer    *self);
/* What @display_id plays since the last decision: the schedule (NULL: its
 * own currentPlaylistId) and the playlist (NULL: none), borrowed. */
gboolean    _vz_server_scheduler_playing    (VzServer    *self,
                                             const char  *display_id,
                                             const char **schedule_id,
                                             const char **playlist_id);

/* The screens of the organization that play @playlist_id now (transfer full). */
GPtrArray  *_vz_server_scheduler_screens_playing (VzServer   *self,
                                                  const char *organization_id,
                                                  const char *playlist_id);

gboolean    _vz_route_displays_schedule     (VzServer *self, VzRequest *req, GError **error);

G_END_DECLS
