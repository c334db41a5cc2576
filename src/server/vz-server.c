/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-server"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <glib/gstdio.h>

#include "vz-server-health-private.h"

/*
 * VzServer: configuration, start and stop. The REST plumbing is in
 * vz-server-http.c, the routes in vz-server-{auth,displays,pairing,groups,
 * fleet}.c and the realtime glue in vz-server-realtime.c.
 */

enum {
  PROP_0,
  PROP_DATA_DIR,
  PROP_LISTEN_HOST,
  PROP_LISTEN_PORT,
  PROP_ADMIN_EMAIL,
  PROP_ADMIN_PASSWORD,
  PROP_ACCESS_TOKEN_TTL,
  PROP_MAX_DISPLAYS,
  PROP_OFFLINE_TIMEOUT,
  PROP_FAULT_FILE,
  PROP_CLOCK_FILE,
  PROP_HEADER_TIMEOUT,
  PROP_REQUEST_TIMEOUT,
  PROP_MAX_CONNECTIONS,
  PROP_MAX_CONNECTIONS_PER_ADDRESS,
  PROP_MAX_CONNECTIONS_PER_LOOPBACK,
  PROP_PING_INTERVAL,
  PROP_HEARTBEAT_INTERVAL,
  PROP_PING_TIMEOUT,
  PROP_CONNECT_TIMEOUT,
  PROP_SIGN_IN_ACCOUNT_FREE,
  PROP_SIGN_IN_CLIENT_FREE,
  PROP_SIGN_IN_FIRST_DELAY_MS,
  PROP_PAIRING_RATE,
  PROP_CONNECT_RATE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (VzServer, vz_server, G_TYPE_OBJECT)

static void
vz_server_dispose (GObject *object)
{
  VzServer *self = (VzServer *) object;

  vz_server_stop (self);

  G_OBJECT_CLASS (vz_server_parent_class)->dispose (object);
}

static void
vz_server_finalize (GObject *object)
{
  VzServer *self = (VzServer *) object;

  g_clear_pointer (&self->data_dir, g_free);
  g_clear_pointer (&self->listen_host, g_free);
  g_clear_pointer (&self->admin_email, g_free);
  if (self->admin_password != NULL)
    explicit_bzero (self->admin_password, strlen (self->admin_password));
  g_clear_pointer (&self->admin_password, g_free);
  g_clear_pointer (&self->url, g_free);
  g_clear_pointer (&self->media_dir, g_free);
  g_clear_pointer (&self->organization_id, g_free);
  g_clear_pointer (&self->dummy_hash, g_free);
  g_clear_pointer (&self->fault_file, g_free);
  g_clear_pointer (&self->clock_file, g_free);
  g_clear_pointer (&self->fault_method, g_free);
  g_clear_object (&self->cancellable);
  _vz_server_throttle_clear (self);
  g_clear_pointer (&self->online, g_hash_table_unref);
  g_clear_pointer (&self->devices, g_hash_table_unref);
  g_clear_pointer (&self->dirty, g_hash_table_unref);
  g_clear_pointer (&self->impressions, g_ptr_array_unref);

  G_OBJECT_CLASS (vz_server_parent_class)->finalize (object);
}

static void
vz_server_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  VzServer *self = VZ_SERVER (object);

  switch (prop_id)
    {
    case PROP_DATA_DIR:         g_value_set_string (value, self->data_dir); break;
    case PROP_LISTEN_HOST:      g_value_set_string (value, self->listen_host); break;
    case PROP_LISTEN_PORT:      g_value_set_uint (value, self->listen_port); break;
    case PROP_ADMIN_EMAIL:      g_value_set_string (value, self->admin_email); break;
    case PROP_ADMIN_PASSWORD:   g_value_set_string (value, self->admin_password); break;
    case PROP_ACCESS_TOKEN_TTL: g_value_set_uint (value, self->access_token_ttl); break;
    case PROP_MAX_DISPLAYS:     g_value_set_uint (value, self->max_displays); break;
    case PROP_OFFLINE_TIMEOUT:  g_value_set_uint (value, self->offline_timeout); break;
    case PROP_FAULT_FILE:       g_value_set_string (value, self->fault_file); break;
    case PROP_CLOCK_FILE:       g_value_set_string (value, self->clock_file); break;
    case PROP_HEADER_TIMEOUT:   g_value_set_uint (value, self->header_timeout); break;
    case PROP_REQUEST_TIMEOUT:  g_value_set_uint (value, self->request_timeout); break;
    case PROP_MAX_CONNECTIONS:  g_value_set_uint (value, self->max_connections); break;
    case PROP_MAX_CONNECTIONS_PER_ADDRESS: g_value_set_uint (value, self->max_connections_per_address); break;
    case PROP_MAX_CONNECTIONS_PER_LOOPBACK: g_value_set_uint (value, self->max_connections_per_loopback); break;
    case PROP_PING_INTERVAL:    g_value_set_uint (value, self->ping_interval); break;
    case PROP_HEARTBEAT_INTERVAL: g_value_set_uint (value, self->heartbeat_interval); break;
    case PROP_PING_TIMEOUT:     g_value_set_uint (value, self->ping_timeout); break;
    case PROP_CONNECT_TIMEOUT:  g_value_set_uint (value, self->connect_timeout); break;
    case PROP_SIGN_IN_ACCOUNT_FREE:   g_value_set_uint (value, self->sign_in_account_free); break;
    case PROP_SIGN_IN_CLIENT_FREE:    g_value_set_uint (value, self->sign_in_client_free); break;
    case PROP_SIGN_IN_FIRST_DELAY_MS: g_value_set_uint (value, self->sign_in_first_delay_ms); break;
    case PROP_PAIRING_RATE:           g_value_set_uint (value, self->pairing_rate_limit); break;
    case PROP_CONNECT_RATE:           g_value_set_uint (value, self->connect_rate_limit); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_server_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  VzServer *self = VZ_SERVER (object);

  switch (prop_id)
    {
    case PROP_DATA_DIR:
      g_free (self->data_dir);
      self->data_dir = g_value_dup_string (value);
      break;
    case PROP_LISTEN_HOST:
      g_free (self->listen_host);
      self->listen_host = g_value_dup_string (value);
      if (self->listen_host == NULL)
        self->listen_host = g_strdup ("127.0.0.1");
      break;
    case PROP_LISTEN_PORT:
      self->listen_port = g_value_get_uint (value);
      break;
    case PROP_ADMIN_EMAIL:
      g_free (self->admin_email);
      self->admin_email = g_value_dup_string (value);
      break;
    case PROP_ADMIN_PASSWORD:
      g_free (self->admin_password);
      self->admin_password = g_value_dup_string (value);
      break;
    case PROP_ACCESS_TOKEN_TTL:
      self->access_token_ttl = g_value_get_uint (value);
      break;
    case PROP_MAX_DISPLAYS:
      self->max_displays = g_value_get_uint (value);
      break;
    case PROP_OFFLINE_TIMEOUT:
      self->offline_timeout = g_value_get_uint (value);
      break;
    case PROP_FAULT_FILE:
      g_free (self->fault_file);
      self->fault_file = g_value_dup_string (value);
      break;
    case PROP_CLOCK_FILE:
      g_free (self->clock_file);
      self->clock_file = g_value_dup_string (value);
      break;
    case PROP_HEADER_TIMEOUT:
      self->header_timeout = g_value_get_uint (value);
      break;
    case PROP_REQUEST_TIMEOUT:
      self->request_timeout = g_value_get_uint (value);
      break;
    case PROP_MAX_CONNECTIONS:
      self->max_connections = g_value_get_uint (value);
      break;
    case PROP_MAX_CONNECTIONS_PER_ADDRESS:
      self->max_connections_per_address = g_value_get_uint (value);
      break;
    case PROP_MAX_CONNECTIONS_PER_LOOPBACK:
      self->max_connections_per_loopback = g_value_get_uint (value);
      break;
    case PROP_HEARTBEAT_INTERVAL:
      self->heartbeat_interval = g_value_get_uint (value);
      break;
    case PROP_PING_INTERVAL:
      self->ping_interval = g_value_get_uint (value);
      break;
    case PROP_PING_TIMEOUT:
      self->ping_timeout = g_value_get_uint (value);
      break;
    case PROP_CONNECT_TIMEOUT:
      self->connect_timeout = g_value_get_uint (value);
      break;
    case PROP_SIGN_IN_ACCOUNT_FREE:
      self->sign_in_account_free = g_value_get_uint (value);
      break;
    case PROP_SIGN_IN_CLIENT_FREE:
      self->sign_in_client_free = g_value_get_uint (value);
      break;
    case PROP_SIGN_IN_FIRST_DELAY_MS:
      self->sign_in_first_delay_ms = g_value_get_uint (value);
      break;
    case PROP_PAIRING_RATE:
      self->pairing_rate_limit = g_value_get_uint (value);
      break;
    case PROP_CONNECT_RATE:
      self->connect_rate_limit = g_value_get_uint (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_server_class_init (VzServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                            G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->dispose = vz_server_dispose;
  object_class->finalize = vz_server_finalize;
  object_class->get_property = vz_server_get_property;
  object_class->set_property = vz_server_set_property;

  properties[PROP_DATA_DIR] =
    g_param_spec_string ("data-dir", NULL, NULL, NULL, flags);
  properties[PROP_LISTEN_HOST] =
    g_param_spec_string ("listen-host", NULL, NULL, "127.0.0.1", flags);
  properties[PROP_LISTEN_PORT] =
    g_param_spec_uint ("listen-port", NULL, NULL, 0, G_MAXUINT16, VZ_SERVER_DEFAULT_PORT, flags);
  properties[PROP_ADMIN_EMAIL] =
    g_param_spec_string ("admin-email", NULL, NULL, NULL, flags);
  properties[PROP_ADMIN_PASSWORD] =
    g_param_spec_string ("admin-password", NULL, NULL, NULL, flags);
  properties[PROP_ACCESS_TOKEN_TTL] =
    g_param_spec_uint ("access-token-ttl", NULL, NULL, 1, G_MAXINT32,
                       VZ_SERVER_DEFAULT_ACCESS_TOKEN_TTL, flags);
  properties[PROP_MAX_DISPLAYS] =
    g_param_spec_uint ("max-displays", NULL, NULL, 0, G_MAXINT32,
                       VZ_SERVER_DEFAULT_MAX_DISPLAYS, flags);
  properties[PROP_OFFLINE_TIMEOUT] =
    g_param_spec_uint ("offline-timeout", NULL, NULL, 1, 24 * 3600,
                       VZ_SERVER_DEFAULT_OFFLINE_TIMEOUT, flags);
  properties[PROP_FAULT_FILE] =
    g_param_spec_string ("fault-file", NULL, NULL, NULL, flags);
  properties[PROP_CLOCK_FILE] =
    g_param_spec_string ("clock-file", NULL, NULL, NULL, flags);
  properties[PROP_HEADER_TIMEOUT] =
    g_param_spec_uint ("header-timeout", NULL, NULL, 1, 3600, VZ_SERVER_DEFAULT_HEADER_TIMEOUT, flags);
  properties[PROP_REQUEST_TIMEOUT] =
    g_param_spec_uint ("request-timeout", NULL, NULL, 1, 3600, VZ_SERVER_DEFAULT_REQUEST_TIMEOUT, flags);
  properties[PROP_MAX_CONNECTIONS] =
    g_param_spec_uint ("max-connections", NULL, NULL, 0, G_MAXINT32, 0, flags);
  properties[PROP_MAX_CONNECTIONS_PER_ADDRESS] =
    g_param_spec_uint ("max-connections-per-address", NULL, NULL, 0, G_MAXINT32,
                       VZ_SERVER_DEFAULT_MAX_PER_ADDRESS, flags);
  properties[PROP_MAX_CONNECTIONS_PER_LOOPBACK] =
    g_param_spec_uint ("max-connections-per-loopback-address", NULL, NULL, 0, G_MAXINT32,
                       VZ_SERVER_DEFAULT_MAX_PER_LOOPBACK, flags);
  properties[PROP_HEARTBEAT_INTERVAL] =
    g_param_spec_uint ("heartbeat-interval", NULL, NULL, 1, 120, VZ_SERVER_DEFAULT_HEARTBEAT_INTERVAL, flags);
  properties[PROP_PING_INTERVAL] =
    g_param_spec_uint ("ping-interval", NULL, NULL, 1, 3600, VZ_SERVER_DEFAULT_PING_INTERVAL, flags);
  properties[PROP_PING_TIMEOUT] =
    g_param_spec_uint ("ping-timeout", NULL, NULL, 1, 3600, VZ_SERVER_DEFAULT_PING_TIMEOUT, flags);
  properties[PROP_CONNECT_TIMEOUT] =
    g_param_spec_uint ("connect-timeout", NULL, NULL, 1, 3600, VZ_SERVER_DEFAULT_CONNECT_TIMEOUT, flags);
  /* Failed sign-ins an account, and a client, may make before each further
   * attempt waits: first this long, then twice as long each time. */
  properties[PROP_SIGN_IN_ACCOUNT_FREE] =
    g_param_spec_uint ("sign-in-account-free", NULL, NULL, 1, 1000, VZ_SERVER_DEFAULT_SIGN_IN_ACCOUNT_FREE, flags);
  properties[PROP_SIGN_IN_CLIENT_FREE] =
    g_param_spec_uint ("sign-in-client-free", NULL, NULL, 1, 1000, VZ_SERVER_DEFAULT_SIGN_IN_CLIENT_FREE, flags);
  properties[PROP_SIGN_IN_FIRST_DELAY_MS] =
    g_param_spec_uint ("sign-in-first-delay-ms", NULL, NULL, 1, 15 * 60 * 1000, VZ_SERVER_DEFAULT_SIGN_IN_FIRST_DELAY_MS, flags);
  /* Public pairing requests per minute per client (those carrying a signed-in
   * admin's or manager's token are not counted). */
  properties[PROP_PAIRING_RATE] =
    g_param_spec_uint ("pairing-rate", NULL, NULL, 1, G_MAXINT32, VZ_SERVER_DEFAULT_PAIRING_RATE, flags);
  /* Realtime connects per minute per token. */
  properties[PROP_CONNECT_RATE] =
    g_param_spec_uint ("connect-rate", NULL, NULL, 1, 100000, VZ_SERVER_DEFAULT_CONNECT_RATE, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
vz_server_init (VzServer *self)
{
  self->listen_host = g_strdup ("127.0.0.1");
  self->listen_port = VZ_SERVER_DEFAULT_PORT;
  self->access_token_ttl = VZ_SERVER_DEFAULT_ACCESS_TOKEN_TTL;
  self->max_displays = VZ_SERVER_DEFAULT_MAX_DISPLAYS;
  self->offline_timeout = VZ_SERVER_DEFAULT_OFFLINE_TIMEOUT;
  self->header_timeout = VZ_SERVER_DEFAULT_HEADER_TIMEOUT;
  self->request_timeout = VZ_SERVER_DEFAULT_REQUEST_TIMEOUT;
  self->max_connections_per_address = VZ_SERVER_DEFAULT_MAX_PER_ADDRESS;
  self->max_connections_per_loopback = VZ_SERVER_DEFAULT_MAX_PER_LOOPBACK;
  self->ping_interval = VZ_SERVER_DEFAULT_PING_INTERVAL;
  self->heartbeat_interval = VZ_SERVER_DEFAULT_HEARTBEAT_INTERVAL;
  self->ping_timeout = VZ_SERVER_DEFAULT_PING_TIMEOUT;
  self->connect_timeout = VZ_SERVER_DEFAULT_CONNECT_TIMEOUT;
  self->sign_in_account_free = VZ_SERVER_DEFAULT_SIGN_IN_ACCOUNT_FREE;
  self->sign_in_client_free = VZ_SERVER_DEFAULT_SIGN_IN_CLIENT_FREE;
  self->sign_in_first_delay_ms = VZ_SERVER_DEFAULT_SIGN_IN_FIRST_DELAY_MS;
  self->pairing_rate_limit = VZ_SERVER_DEFAULT_PAIRING_RATE;
  self->connect_rate_limit = VZ_SERVER_DEFAULT_CONNECT_RATE;
  self->cancellable = g_cancellable_new ();
}

VzServer *
vz_server_new (const char *data_dir)
{
  g_return_val_if_fail (data_dir != NULL, NULL);

  return g_object_new (VZ_TYPE_SERVER, "data-dir", data_dir, NULL);
}

static gboolean
maintenance_cb (gpointer user_data)
{
  VzServer *self = user_data;

  _vz_server_auth_maintenance (self);
  _vz_server_pairing_maintenance (self);
  _vz_server_throttle_maintenance (self, _vz_now_ms ());
  _vz_server_notifications_maintenance (self, _vz_now_ms ());
  _vz_server_metrics_maintenance (self, _vz_now_ms ());
  return G_SOURCE_CONTINUE;
}

static gboolean
listen_on (VzServer  *self,
           GError   **error)
{
  g_autoptr(GInetAddress) address = NULL;
  g_autoptr(GSocketAddress) socket_address = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *host = self->listen_host;
  VzListenerLimits limits = {
    .header_timeout_ms = self->header_timeout * 1000,
    .request_timeout_ms = self->request_timeout * 1000,
    .max_connections = self->max_connections,
    .max_per_address = self->max_connections_per_address,
    .max_per_loopback = self->max_connections_per_loopback,
  };

  if (g_str_equal (host, "localhost"))
    host = "127.0.0.1";
  address = g_inet_address_new_from_string (host);
  if (address == NULL)
    {
      g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_LISTEN,
                   "“%s” is not an IP address to listen on.", self->listen_host);
      return FALSE;
    }
  socket_address = g_inet_socket_address_new (address, (guint16) self->listen_port);
  self->listener = vz_listener_new (self->soup, G_INET_SOCKET_ADDRESS (socket_address), &limits, &local_error);
  if (self->listener == NULL)
    {
      g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_LISTEN,
                   "Cannot listen on %s:%u: %s", host, self->listen_port, local_error->message);
      return FALSE;
    }

  self->port = vz_listener_get_port (self->listener);
  if (g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV6)
    self->url = g_strdup_printf ("http://[%s]:%u", host, self->port);
  else
    self->url = g_strdup_printf ("http://%s:%u", host, self->port);
  return TRUE;
}

gboolean
vz_server_start (VzServer  *self,
                 GError   **error)
{
  g_autofree char *db_path = NULL;

  g_return_val_if_fail (VZ_IS_SERVER (self), FALSE);
  g_return_val_if_fail (!self->running, FALSE);
  g_return_val_if_fail (self->data_dir != NULL, FALSE);

  if (self->clock_file != NULL)
    {
      g_autoptr(GInetAddress) address = g_inet_address_new_from_string (self->listen_host);

      /* Moving the clock is for tests on this computer only. */
      if (g_strcmp0 (self->listen_host, "localhost") != 0 &&
          (address == NULL || !g_inet_address_get_is_loopback (address)))
        {
          g_set_error_literal (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_FAILED,
                               "The clock file is a testing aid: it works only for a server "
                               "listening on a loopback address.");
          return FALSE;
        }
      _vz_set_clock_file (self->clock_file);
    }

  if (g_mkdir_with_parents (self->data_dir, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_DATABASE,
                   "Cannot create the data folder %s: %s", self->data_dir, g_strerror (saved));
      return FALSE;
    }
  self->media_dir = g_build_filename (self->data_dir, "media", NULL);
  if (g_mkdir_with_parents (self->media_dir, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_DATABASE,
                   "Cannot create the media folder %s: %s", self->media_dir, g_strerror (saved));
      return FALSE;
    }

  if (!_vz_server_media_start (self, error))
    return FALSE;

  _vz_server_throttle_clear (self);
  _vz_server_throttle_init (self);

  db_path = g_build_filename (self->data_dir, "vizora.db", NULL);
  self->db = vz_db_open (db_path, error);
  if (self->db == NULL)
    return FALSE;

  if (!_vz_server_bootstrap (self, error) ||
      !_vz_server_devices_load (self, error) ||
      !_vz_server_health_load (self, error))
    {
      g_clear_object (&self->db);
      return FALSE;
    }
  _vz_server_media_sweep (self);
  /* What fell due while no server ran. */
  _vz_server_metrics_maintenance (self, _vz_now_ms ());
  /* Chunks an older server wrote are counted while the server answers. */
  _vz_server_metrics_counts_start (self);

  self->soup = soup_server_new ("server-header", "vizora-server/" PACKAGE_VERSION, NULL);
  _vz_server_http_attach (self);
  _vz_server_realtime_start (self);

  if (!listen_on (self, error))
    {
      _vz_server_realtime_stop (self);
      g_clear_object (&self->soup);
      g_clear_object (&self->db);
      return FALSE;
    }

  self->maintenance_source = g_timeout_add_seconds (60, maintenance_cb, self);
  self->running = TRUE;
  _vz_server_scheduler_start (self);
  return TRUE;
}

const char *
vz_server_get_url (VzServer *self)
{
  g_return_val_if_fail (VZ_IS_SERVER (self), NULL);
  return self->url;
}

guint16
vz_server_get_port (VzServer *self)
{
  g_return_val_if_fail (VZ_IS_SERVER (self), 0);
  return self->port;
}

void
vz_server_stop (VzServer *self)
{
  g_return_if_fail (VZ_IS_SERVER (self));

  if (!self->running)
    return;
  self->running = FALSE;

  g_clear_handle_id (&self->maintenance_source, g_source_remove);
  _vz_server_metrics_counts_stop (self);
  _vz_server_scheduler_stop (self);
  g_cancellable_cancel (self->cancellable);
  if (self->listener != NULL)
    vz_listener_close (self->listener);
  /* Peers hear about the shutdown before the socket goes away. */
  _vz_server_realtime_stop (self);
  g_clear_object (&self->listener);
  if (self->soup != NULL)
    soup_server_disconnect (self->soup);
  g_clear_object (&self->soup);
  _vz_server_metrics_flush_all (self);
  _vz_server_devices_flush (self);
  if (self->db != NULL)
    vz_db_close (self->db);
  g_clear_object (&self->db);
}
