/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-pair-dialog"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "vz-display-group-resource.h"
#include "vz-display-resource.h"
#include "vz-gui.h"
#include "vz-pair-dialog.h"
#include "vz-pair-dialog-private.h"

struct _VzPairDialog
{
  AdwWindow     parent_instance;

  VzSyncEngine *engine;
  GCancellable *cancellable;
  gboolean      busy;
  char         *message;

  /* template children */
  AdwEntryRow  *code_row;
  AdwEntryRow  *name_row;
  AdwEntryRow  *location_row;
  GtkLabel     *message_label;
  GtkWidget    *pair_button;
  GtkStack     *pair_button_stack;
  GtkSpinner   *pair_spinner;
};

G_DEFINE_FINAL_TYPE (VzPairDialog, vz_pair_dialog, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_SYNC_ENGINE,
  N_PROPS
};

enum {
  SIGNAL_PAIRED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
set_message (VzPairDialog *self,
             const char   *message)
{
  if (g_strcmp0 (self->message, message) == 0)
    return;

  g_free (self->message);
  self->message = g_strdup (message);
  gtk_label_set_label (self->message_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), message != NULL);
  if (message != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->code_row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->code_row), "error");
}

static gboolean
code_is_complete (VzPairDialog *self)
{
  return strlen (gtk_editable_get_text (GTK_EDITABLE (self->code_row))) == VZ_PAIRING_CODE_LENGTH;
}

static gboolean
can_write (VzPairDialog *self)
{
  return self->engine != NULL && vz_session_can_write (vz_sync_engine_get_session (self->engine));
}

static void
update_actions (VzPairDialog *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "pair.pair",
                                 !self->busy && can_write (self) && code_is_complete (self));
}

static char *
explain_rejected (gunichar c)
{
  gunichar up = g_unichar_toupper (c);
  char utf8[7] = { 0 };

  if (up == 'O' || up == '0')
    return g_strdup (_("Pairing codes have no letter O and no zero, because the two look alike. Check the code on the screen."));
  if (up == 'I' || up == '1')
    return g_strdup (_("Pairing codes have no letter I and no digit 1, because the two look alike. Check the code on the screen."));

  g_unichar_to_utf8 (c, utf8);
  return g_strdup_printf (_("“%s” is not part of any pairing code: codes use the letters A to Z and the digits 2 to 9."),
                          utf8);
}

/*
 * Filters what is typed or pasted into the code before it lands: lowercase
 * becomes uppercase, spaces and dashes (codes are often read out as
 * "ABC-234") are dropped, and anything outside the alphabet is refused with
 * a sentence saying why.
 */
static void
on_code_insert_text (GtkEditable  *editable,
                     const char   *text,
                     int           length,
                     int          *position,
                     VzPairDialog *self)
{
  g_autoptr(GString) accepted = g_string_new (NULL);
  g_autofree char *explanation = NULL;
  gunichar rejected = 0;
  gboolean too_long = FALSE;
  gsize current = strlen (gtk_editable_get_text (editable));
  const char *end;

  if (length < 0)
    length = (int) strlen (text);
  end = text + length;

  for (const char *p = text; p < end; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char_validated (p, end - p);
      gunichar up;

      if (c == (gunichar) -1 || c == (gunichar) -2)
        break;
      if (g_unichar_isspace (c) || c == '-')
        continue;

      up = g_unichar_toupper (c);
      if (up > 0 && up < 128 && strchr (VZ_PAIRING_ALPHABET, (int) up) != NULL)
        {
          if (current + accepted->len >= VZ_PAIRING_CODE_LENGTH)
            too_long = TRUE;
          else
            g_string_append_c (accepted, (char) up);
        }
      else if (rejected == 0)
        rejected = c;
    }

  if (rejected != 0)
    explanation = explain_rejected (rejected);
  else if (too_long)
    explanation = g_strdup (_("Pairing codes have 6 characters."));
  set_message (self, explanation);

  if (accepted->len == (gsize) length && strncmp (accepted->str, text, length) == 0)
    return;

  g_signal_handlers_block_by_func (editable, on_code_insert_text, self);
  if (accepted->len > 0)
    gtk_editable_insert_text (editable, accepted->str, (int) accepted->len, position);
  g_signal_handlers_unblock_by_func (editable, on_code_insert_text, self);
  g_signal_stop_emission_by_name (editable, "insert-text");
}

static void
on_code_delete_text (GtkEditable  *editable,
                     int           start_pos,
                     int           end_pos,
                     VzPairDialog *self)
{
  /* Whatever was wrong is being corrected. */
  set_message (self, NULL);
}

static void
on_code_changed (VzPairDialog *self)
{
  update_actions (self);
}

static void
set_busy (VzPairDialog *self,
          gboolean      busy)
{
  self->busy = busy;
  gtk_stack_set_visible_child_name (self->pair_button_stack, busy ? "spinner" : "label");
  gtk_spinner_set_spinning (self->pair_spinner, busy);
  /* Not insensitive: a focused text losing sensitivity never gets its
   * focus-out, and GTK complains. Read-only says the same to people. */
  gtk_editable_set_editable (GTK_EDITABLE (self->code_row), !busy);
  gtk_editable_set_editable (GTK_EDITABLE (self->name_row), !busy);
  gtk_editable_set_editable (GTK_EDITABLE (self->location_row), !busy);
  update_actions (self);
}

static char *
explain_pair_error (const GError *error,
                    const char   *code)
{
  if (error->domain == VZ_API_ERROR)
    {
      switch (error->code)
        {
        case VZ_API_ERROR_NOT_FOUND:
          return g_strdup_printf (_("No screen is waiting with the code %s. Check the code on the screen; codes expire after 5 minutes, and the screen then shows a new one."),
                                  code);
        case VZ_API_ERROR_BAD_REQUEST:
          return g_strdup_printf (_("The code %s has already been used to pair a screen. If the screen still shows a code, enter the one it shows now."),
                                  code);
        case VZ_API_ERROR_FORBIDDEN:
          return g_strdup (_("No more screens can be added: your organization has reached its screen limit, or your account may not pair screens."));
        default:
          break;
        }
    }
  return g_strdup (error->message);
}

static void
pair_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(VzPairDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(VzDisplay) display = NULL;

  display = vz_sync_engine_pair_display_finish (VZ_SYNC_ENGINE (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  set_busy (self, FALSE);

  if (display == NULL)
    {
      g_autofree char *text = explain_pair_error (error, gtk_editable_get_text (GTK_EDITABLE (self->code_row)));

      set_message (self, text);
      gtk_widget_grab_focus (GTK_WIDGET (self->code_row));
      return;
    }

  g_signal_emit (self, signals[SIGNAL_PAIRED], 0, display);
  gtk_window_close (GTK_WINDOW (self));
}

static char *
stripped_or_null (AdwEntryRow *row)
{
  char *text = vz_gui_editable_dup_stripped (GTK_EDITABLE (row));

  if (*text == '\0')
    g_clear_pointer (&text, g_free);
  return text;
}

static void
pair_pair (GtkWidget  *widget,
           const char *action_name,
           GVariant   *parameter)
{
  VzPairDialog *self = VZ_PAIR_DIALOG (widget);
  g_autofree char *name = NULL;
  g_autofree char *location = NULL;

  if (self->busy || !code_is_complete (self) || !can_write (self))
    return;

  name = stripped_or_null (self->name_row);
  location = stripped_or_null (self->location_row);

  set_message (self, NULL);
  set_busy (self, TRUE);
  vz_sync_engine_pair_display_async (self->engine,
                                     gtk_editable_get_text (GTK_EDITABLE (self->code_row)),
                                     name, location,
                                     self->cancellable,
                                     pair_done_cb,
                                     g_object_ref (self));
}

static void
on_entry_activated (VzPairDialog *self)
{
  if (code_is_complete (self))
    gtk_widget_activate_action (GTK_WIDGET (self), "pair.pair", NULL);
}

static void
vz_pair_dialog_dispose (GObject *object)
{
  VzPairDialog *self = VZ_PAIR_DIALOG (object);

  g_cancellable_cancel (self->cancellable);

  gtk_widget_dispose_template (GTK_WIDGET (self), VZ_TYPE_PAIR_DIALOG);

  g_clear_object (&self->engine);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (vz_pair_dialog_parent_class)->dispose (object);
}

static void
vz_pair_dialog_finalize (GObject *object)
{
  VzPairDialog *self = VZ_PAIR_DIALOG (object);

  g_free (self->message);

  G_OBJECT_CLASS (vz_pair_dialog_parent_class)->finalize (object);
}

static void
vz_pair_dialog_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  VzPairDialog *self = VZ_PAIR_DIALOG (object);

  switch (prop_id)
    {
    case PROP_SYNC_ENGINE:
      g_value_set_object (value, self->engine);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_pair_dialog_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  VzPairDialog *self = VZ_PAIR_DIALOG (object);

  switch (prop_id)
    {
    case PROP_SYNC_ENGINE:
      self->engine = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_pair_dialog_constructed (GObject *object)
{
  VzPairDialog *self = VZ_PAIR_DIALOG (object);

  G_OBJECT_CLASS (vz_pair_dialog_parent_class)->constructed (object);

  update_actions (self);
}

static void
vz_pair_dialog_class_init (VzPairDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  vz_gui_init ();

  object_class->dispose = vz_pair_dialog_dispose;
  object_class->finalize = vz_pair_dialog_finalize;
  object_class->get_property = vz_pair_dialog_get_property;
  object_class->set_property = vz_pair_dialog_set_property;
  object_class->constructed = vz_pair_dialog_constructed;

  properties[PROP_SYNC_ENGINE] =
    g_param_spec_object ("sync-engine", NULL, NULL,
                         VZ_TYPE_SYNC_ENGINE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_PAIRED] =
    g_signal_new ("paired",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, VZ_TYPE_DISPLAY);

  gtk_widget_class_set_template_from_resource (widget_class, "/cloud/vizora/Desktop/vz-pair-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, VzPairDialog, code_row);
  gtk_widget_class_bind_template_child (widget_class, VzPairDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, VzPairDialog, location_row);
  gtk_widget_class_bind_template_child (widget_class, VzPairDialog, message_label);
  gtk_widget_class_bind_template_child (widget_class, VzPairDialog, pair_button);
  gtk_widget_class_bind_template_child (widget_class, VzPairDialog, pair_button_stack);
  gtk_widget_class_bind_template_child (widget_class, VzPairDialog, pair_spinner);
  gtk_widget_class_bind_template_callback (widget_class, on_code_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_activated);

  gtk_widget_class_install_action (widget_class, "pair.pair", NULL, pair_pair);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
vz_pair_dialog_init (VzPairDialog *self)
{
  GtkEditable *delegate;

  self->cancellable = g_cancellable_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect (self, "unrealize", G_CALLBACK (vz_gui_drop_pending_tooltip), NULL);

  delegate = gtk_editable_get_delegate (GTK_EDITABLE (self->code_row));
  g_signal_connect (delegate, "insert-text", G_CALLBACK (on_code_insert_text), self);
  g_signal_connect (delegate, "delete-text", G_CALLBACK (on_code_delete_text), self);

  gtk_widget_grab_focus (GTK_WIDGET (self->code_row));
}

VzPairDialog *
vz_pair_dialog_new (VzSyncEngine *engine)
{
  g_return_val_if_fail (VZ_IS_SYNC_ENGINE (engine), NULL);

  return g_object_new (VZ_TYPE_PAIR_DIALOG,
                       "sync-engine", engine,
                       NULL);
}

AdwEntryRow *
_vz_pair_dialog_get_code_row (VzPairDialog *self)
{
  return self->code_row;
}

const char *
_vz_pair_dialog_get_message (VzPairDialog *self)
{
  return self->message;
}

gboolean
_vz_pair_dialog_can_pair (VzPairDialog *self)
{
  return gtk_widget_is_sensitive (self->pair_button);
}
