/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-api-client"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "vz-api-client-private.h"
#include "vz-wire-json.h"

/*
 * Lists of every record of a kind: the pages of GET /things?page=&limit=,
 * a few at a time, put back in order, with the first failure ending them.
 */

#define PAGE_LIMIT      100
#define PAGES_IN_FLIGHT 4
/* More pages than this is not a list but a broken meta block. */
#define MAX_PAGES       100000

/* ------------------------------------------------------------------------ */
/* list_all                                                                 */

typedef struct {
  char         *path;
  GPtrArray    *pages;         /* page n at index n-1: GPtrArray* of JsonObject*, or NULL */
  guint         total_pages;
  guint         next_page;
  guint         in_flight;
  GError       *error;
  GCancellable *cancellable;   /* ours, cancelled on the first failure */
  gulong        cancelled_id;
  GCancellable *outer;
  VzApiListPageFunc page_func;
  gpointer      page_data;
} ListData;

/* Pages not read yet (a read cut short) are NULL slots. */
static void
page_free (gpointer page)
{
  if (page != NULL)
    g_ptr_array_unref (page);
}

static void
list_data_free (ListData *data)
{
  if (data->cancelled_id != 0)
    g_cancellable_disconnect (data->outer, data->cancelled_id);
  g_clear_object (&data->outer);
  g_free (data->path);
  g_clear_pointer (&data->pages, g_ptr_array_unref);
  g_clear_error (&data->error);
  g_clear_object (&data->cancellable);
  g_free (data);
}

static char *
page_path (const char *path,
           guint       page)
{
  return g_strdup_printf ("%s%cpage=%u&limit=%u", path, strchr (path, '?') != NULL ? '&' : '?',
                          page, PAGE_LIMIT);
}

/* Accepts the contract's {"data":[…],"meta":{…}} and, from servers that do
 * not paginate, a bare array. */
static GPtrArray *
decode_page (JsonNode  *payload,
             guint     *total_pages,
             GError   **error)
{
  JsonArray *items = NULL;
  GPtrArray *out;

  *total_pages = 1;
  if (JSON_NODE_HOLDS_ARRAY (payload))
    items = json_node_get_array (payload);
  else if (JSON_NODE_HOLDS_OBJECT (payload))
    {
      JsonObject *obj = json_node_get_object (payload);
      JsonNode *data = json_object_get_member (obj, "data");
      JsonNode *meta = json_object_get_member (obj, "meta");

      if (data != NULL && JSON_NODE_HOLDS_ARRAY (data))
        items = json_node_get_array (data);
      if (meta != NULL && JSON_NODE_HOLDS_OBJECT (meta))
        {
          JsonNode *pages = json_object_get_member (json_node_get_object (meta), "totalPages");

          if (pages != NULL && JSON_NODE_HOLDS_VALUE (pages) &&
              json_node_get_value_type (pages) == G_TYPE_INT64)
            {
              gint64 n = json_node_get_int (pages);

              if (n < 0 || n > MAX_PAGES)
                items = NULL;
              else
                *total_pages = MAX (1, (guint) n);
            }
        }
    }

  if (items == NULL)
    {
      g_set_error_literal (error, VZ_API_ERROR, VZ_API_ERROR_INVALID_RESPONSE,
                           _("The server sent a list in an unexpected form."));
      return NULL;
    }

  out = g_ptr_array_new_full (json_array_get_length (items), (GDestroyNotify) json_object_unref);
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonNode *item = json_array_get_element (items, i);

      if (!JSON_NODE_HOLDS_OBJECT (item))
        {
          g_ptr_array_unref (out);
          g_set_error_literal (error, VZ_API_ERROR, VZ_API_ERROR_INVALID_RESPONSE,
                               _("The server sent a list with an entry that is not a record."));
          return NULL;
        }
      g_ptr_array_add (out, json_object_ref (json_node_get_object (item)));
    }
  return out;
}

static void list_fetch_more (GTask *task);

static void
list_complete (GTask *task)
{
  ListData *data = g_task_get_task_data (task);
  GPtrArray *all;
  guint n = 0;

  if (data->error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&data->error));
      return;
    }

  for (guint i = 0; i < data->pages->len; i++)
    n += ((GPtrArray *) g_ptr_array_index (data->pages, i))->len;
  all = g_ptr_array_new_full (n, (GDestroyNotify) json_object_unref);
  for (guint i = 0; i < data->pages->len; i++)
    {
      GPtrArray *page = g_ptr_array_index (data->pages, i);

      /* Moved, not copied: the page arrays give up their references. */
      for (guint j = 0; j < page->len; j++)
        g_ptr_array_add (all, g_ptr_array_index (page, j));
      g_ptr_array_set_free_func (page, NULL);
      g_ptr_array_set_size (page, 0);
    }
  g_task_return_pointer (task, all, (GDestroyNotify) g_ptr_array_unref);
}

static void
on_page (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  GTask *task = user_data;   /* one reference per request in flight */
  ListData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) payload = NULL;
  guint page = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (result), "vz-page"));
  GPtrArray *items = NULL;
  guint total = 1;

  payload = vz_api_client_request_finish (VZ_API_CLIENT (source), result, &error);
  data->in_flight--;
  if (payload != NULL)
    items = decode_page (payload, &total, &error);

  if (items == NULL)
    {
      if (data->error == NULL)
        {
          data->error = g_steal_pointer (&error);
          g_cancellable_cancel (data->cancellable);
        }
    }
  else
    {
      if (page == 1)
        {
          data->total_pages = total;
          g_ptr_array_set_size (data->pages, total);
        }
      if (page <= data->pages->len && g_ptr_array_index (data->pages, page - 1) == NULL)
        {
          if (data->page_func != NULL)
            data->page_func (items, data->page_data);
          g_ptr_array_index (data->pages, page - 1) = items;
        }
      else
        g_ptr_array_unref (items);
    }

  if (data->error == NULL)
    list_fetch_more (task);
  if (data->in_flight == 0 && (data->error != NULL || data->next_page > data->total_pages))
    list_complete (task);
  g_object_unref (task);
}

static void
fetch_page (GTask *task,
            guint  page)
{
  ListData *data = g_task_get_task_data (task);
  VzApiClient *self = g_task_get_source_object (task);
  g_autofree char *path = page_path (data->path, page);
  GTask *request;
  Request *req;

  data->in_flight++;
  /* The page number rides on the request's own task, so that answers can
   * come back in any order and still land in their slot. */
  request = g_task_new (self, data->cancellable, on_page, g_object_ref (task));
  g_task_set_source_tag (request, vz_api_client_request_async);
  g_object_set_data (G_OBJECT (request), "vz-page", GUINT_TO_POINTER (page));
  req = g_new0 (Request, 1);
  req->kind = KIND_JSON;
  req->method = g_strdup ("GET");
  req->uri = g_strconcat (self->base_url, path, NULL);
  req->send_token = TRUE;
  req->limit = VZ_API_MAX_JSON_BODY;
  g_task_set_task_data (request, req, (GDestroyNotify) _vz_api_client_request_free);
  _vz_api_client_send_request (self, request);
}

static void
list_fetch_more (GTask *task)
{
  ListData *data = g_task_get_task_data (task);

  while (data->in_flight < PAGES_IN_FLIGHT && data->next_page <= data->total_pages)
    fetch_page (task, data->next_page++);
}

static void
on_outer_cancelled (GCancellable *outer,
                    GCancellable *inner)
{
  g_cancellable_cancel (inner);
}

void
vz_api_client_list_all_async (VzApiClient         *self,
                              const char          *path,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  vz_api_client_list_all_full_async (self, path, NULL, NULL, cancellable, callback, user_data);
}

void
vz_api_client_list_all_full_async (VzApiClient         *self,
                                   const char          *path,
                                   VzApiListPageFunc    page_func,
                                   gpointer             page_data,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ListData *data;

  g_return_if_fail (VZ_IS_API_CLIENT (self));
  g_return_if_fail (path != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vz_api_client_list_all_async);
  /* Each page is answered on its own; the list as a whole must not return
   * early with a cancelled error while pages are still in flight. */
  g_task_set_check_cancellable (task, FALSE);

  data = g_new0 (ListData, 1);
  data->path = g_strdup (path);
  data->page_func = page_func;
  data->page_data = page_data;
  data->pages = g_ptr_array_new_with_free_func (page_free);
  data->cancellable = g_cancellable_new ();
  if (cancellable != NULL)
    {
      data->outer = g_object_ref (cancellable);
      data->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (on_outer_cancelled),
                                                  g_object_ref (data->cancellable), g_object_unref);
    }
  /* The first page tells how many there are; the rest then go out together. */
  data->total_pages = 1;
  data->next_page = 2;
  g_task_set_task_data (task, data, (GDestroyNotify) list_data_free);

  fetch_page (task, 1);
}

GPtrArray *
vz_api_client_list_all_finish (VzApiClient   *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (VZ_IS_API_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
