/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-upload"

#include "config.h"

#include <glib/gi18n.h>

#include "vz-content-upload.h"
#include "vz-upload.h"

struct _VzUpload
{
  GObject        parent_instance;

  VzSyncEngine  *engine;
  GFile         *file;
  char          *file_name;
  char          *key;          /* Idempotency-Key, the same for every attempt */
  GCancellable  *cancellable;  /* of the attempt under way */
  VzUploadState  state;
  goffset        sent;
  goffset        total;
  char          *progress_text;
  char          *error;
  VzContent     *content;
};

G_DEFINE_ENUM_TYPE (VzUploadState, vz_upload_state,
                    G_DEFINE_ENUM_VALUE (VZ_UPLOAD_STATE_SENDING, "sending"),
                    G_DEFINE_ENUM_VALUE (VZ_UPLOAD_STATE_FAILED, "failed"),
                    G_DEFINE_ENUM_VALUE (VZ_UPLOAD_STATE_DONE, "done"),
                    G_DEFINE_ENUM_VALUE (VZ_UPLOAD_STATE_CANCELLED, "cancelled"))

G_DEFINE_FINAL_TYPE (VzUpload, vz_upload, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_FILE,
  PROP_FILE_NAME,
  PROP_STATE,
  PROP_FRACTION,
  PROP_PROGRESS_TEXT,
  PROP_ERROR,
  PROP_CONTENT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_progress_text (VzUpload   *self,
                   const char *text)
{
  g_assert (VZ_IS_UPLOAD (self));

  if (g_strcmp0 (self->progress_text, text) == 0)
    return;
  g_free (self->progress_text);
  self->progress_text = g_strdup (text);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS_TEXT]);
}

static void
set_state (VzUpload      *self,
           VzUploadState  state,
           const char    *error)
{
  g_assert (VZ_IS_UPLOAD (self));

  if (g_strcmp0 (self->error, error) != 0)
    {
      g_free (self->error);
      self->error = g_strdup (error);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
    }
  if (self->state != state)
    {
      self->state = state;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
    }
}

static void
on_progress (goffset  sent,
             goffset  total,
             gpointer user_data)
{
  VzUpload *self = user_data;
  double before = vz_upload_get_fraction (self);
  g_autofree char *sent_text = NULL;
  g_autofree char *total_text = NULL;
  g_autofree char *text = NULL;

  g_assert (VZ_IS_UPLOAD (self));

  if (self->state != VZ_UPLOAD_STATE_SENDING)
    return;
  self->sent = sent;
  self->total = total;
  sent_text = g_format_size (sent);
  total_text = g_format_size (total);
  /* Translators: "12.5 MB of 100.0 MB" uploaded so far */
  text = g_strdup_printf (_("%s of %s"), sent_text, total_text);
  set_progress_text (self, text);
  if (vz_upload_get_fraction (self) != before)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRACTION]);
}

static void
uploaded_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(VzUpload) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(VzContent) content = vz_sync_engine_upload_content_finish (VZ_SYNC_ENGINE (source), result, &error);

  /* A later attempt owns the state now. */
  if (self->state != VZ_UPLOAD_STATE_SENDING)
    return;
  g_clear_object (&self->cancellable);
  if (content == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      set_state (self, VZ_UPLOAD_STATE_CANCELLED, NULL);
      return;
    }
  if (content == NULL)
    {
      set_progress_text (self, _("Not uploaded"));
      set_state (self, VZ_UPLOAD_STATE_FAILED, error->message);
      return;
    }
  self->content = g_steal_pointer (&content);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONTENT]);
  set_progress_text (self, _("Uploaded"));
  set_state (self, VZ_UPLOAD_STATE_DONE, NULL);
}

void
vz_upload_start (VzUpload *self)
{
  g_return_if_fail (VZ_IS_UPLOAD (self));
  g_return_if_fail (self->cancellable == NULL);

  self->cancellable = g_cancellable_new ();
  self->sent = 0;
  self->total = 0;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRACTION]);
  set_progress_text (self, _("Waiting…"));
  set_state (self, VZ_UPLOAD_STATE_SENDING, NULL);
  vz_sync_engine_upload_content_async (self->engine, self->file, NULL, self->key,
                                       on_progress, g_object_ref (self), g_object_unref,
                                       self->cancellable, uploaded_cb, g_object_ref (self));
}

void
vz_upload_cancel (VzUpload *self)
{
  g_return_if_fail (VZ_IS_UPLOAD (self));

  if (self->state == VZ_UPLOAD_STATE_DONE || self->state == VZ_UPLOAD_STATE_CANCELLED)
    return;
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  set_state (self, VZ_UPLOAD_STATE_CANCELLED, NULL);
}

void
vz_upload_retry (VzUpload *self)
{
  g_return_if_fail (VZ_IS_UPLOAD (self));

  if (self->state == VZ_UPLOAD_STATE_FAILED)
    vz_upload_start (self);
}

static void
vz_upload_dispose (GObject *object)
{
  VzUpload *self = VZ_UPLOAD (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->engine);
  g_clear_object (&self->content);

  G_OBJECT_CLASS (vz_upload_parent_class)->dispose (object);
}

static void
vz_upload_finalize (GObject *object)
{
  VzUpload *self = VZ_UPLOAD (object);

  g_clear_object (&self->file);
  g_free (self->file_name);
  g_free (self->key);
  g_free (self->progress_text);
  g_free (self->error);

  G_OBJECT_CLASS (vz_upload_parent_class)->finalize (object);
}

static void
vz_upload_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  VzUpload *self = VZ_UPLOAD (object);

  switch (prop_id)
    {
    case PROP_FILE:
      g_value_set_object (value, self->file);
      break;
    case PROP_FILE_NAME:
      g_value_set_string (value, self->file_name);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_FRACTION:
      g_value_set_double (value, vz_upload_get_fraction (self));
      break;
    case PROP_PROGRESS_TEXT:
      g_value_set_string (value, self->progress_text);
      break;
    case PROP_ERROR:
      g_value_set_string (value, self->error);
      break;
    case PROP_CONTENT:
      g_value_set_object (value, self->content);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_upload_class_init (VzUploadClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = vz_upload_dispose;
  object_class->finalize = vz_upload_finalize;
  object_class->get_property = vz_upload_get_property;

  properties[PROP_FILE] =
    g_param_spec_object ("file", NULL, NULL, G_TYPE_FILE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_FILE_NAME] =
    g_param_spec_string ("file-name", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, VZ_TYPE_UPLOAD_STATE, VZ_UPLOAD_STATE_SENDING,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FRACTION] =
    g_param_spec_double ("fraction", NULL, NULL, 0, 1, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PROGRESS_TEXT] =
    g_param_spec_string ("progress-text", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ERROR] =
    g_param_spec_string ("error", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CONTENT] =
    g_param_spec_object ("content", NULL, NULL, VZ_TYPE_CONTENT,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
vz_upload_init (VzUpload *self)
{
  self->key = g_uuid_string_random ();
}

VzUpload *
vz_upload_new (VzSyncEngine *engine,
               GFile        *file)
{
  VzUpload *self;

  g_return_val_if_fail (VZ_IS_SYNC_ENGINE (engine), NULL);
  g_return_val_if_fail (G_IS_FILE (file), NULL);

  self = g_object_new (VZ_TYPE_UPLOAD, NULL);
  self->engine = g_object_ref (engine);
  self->file = g_object_ref (file);
  self->file_name = g_file_get_basename (file);
  return self;
}

GFile *
vz_upload_get_file (VzUpload *self)
{
  g_return_val_if_fail (VZ_IS_UPLOAD (self), NULL);

  return self->file;
}

const char *
vz_upload_get_file_name (VzUpload *self)
{
  g_return_val_if_fail (VZ_IS_UPLOAD (self), NULL);

  return self->file_name;
}

VzUploadState
vz_upload_get_state (VzUpload *self)
{
  g_return_val_if_fail (VZ_IS_UPLOAD (self), VZ_UPLOAD_STATE_CANCELLED);

  return self->state;
}

double
vz_upload_get_fraction (VzUpload *self)
{
  g_return_val_if_fail (VZ_IS_UPLOAD (self), 0);

  if (self->state == VZ_UPLOAD_STATE_DONE)
    return 1;
  return self->total > 0 ? CLAMP ((double) self->sent / (double) self->total, 0, 1) : 0;
}

const char *
vz_upload_get_progress_text (VzUpload *self)
{
  g_return_val_if_fail (VZ_IS_UPLOAD (self), NULL);

  return self->progress_text;
}

const char *
vz_upload_get_error (VzUpload *self)
{
  g_return_val_if_fail (VZ_IS_UPLOAD (self), NULL);

  return self->error;
}

VzContent *
vz_upload_get_content (VzUpload *self)
{
  g_return_val_if_fail (VZ_IS_UPLOAD (self), NULL);

  return self->content;
}

goffset
vz_upload_get_sent (VzUpload *self)
{
  g_return_val_if_fail (VZ_IS_UPLOAD (self), 0);

  return self->sent;
}
