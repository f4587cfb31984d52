package dev.uploadkit.servlet.internal;

import dev.uploadkit.core.auth.Permission;
import dev.uploadkit.core.event.EventType;
import dev.uploadkit.core.webhook.CreatedWebhook;
import dev.uploadkit.core.webhook.Webhook;
import dev.uploadkit.core.webhook.WebhookChange;
import dev.uploadkit.core.webhook.WebhookService;

import java.io.IOException;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * {@code webhooks} and below (SPEC §4 "Webhooks"): a project's subscriptions, their deliveries log, redelivery and
 * test sends; every route needs {@code webhooks:manage}. The signing secret appears only in the answer to create.
 */
final class WebhooksHandler {
    private static final Access MANAGE = Access.permission(Permission.WEBHOOKS_MANAGE);

    private final WebhookService webhooks;

    WebhooksHandler(WebhookService webhooks) {
        this.webhooks = webhooks;
    }

    void register(Router router) {
        router.add("GET", "webhooks", MANAGE, this::list);
        router.add("POST", "webhooks", MANAGE, this::create);
        router.add("GET", "webhooks/{id}", MANAGE, this::get);
        router.add("PATCH", "webhooks/{id}", MANAGE, this::update);
        router.add("DELETE", "webhooks/{id}", MANAGE, this::delete);
        router.add("GET", "webhooks/{id}/deliveries", MANAGE, this::deliveries);
        router.add("POST", "webhooks/{id}/deliveries/{delivery_id}/redeliver", MANAGE, this::redeliver);
        router.add("POST", "webhooks/{id}/test", MANAGE, this::test);
    }

    private void list(Exchange ex) throws IOException {
        Json.list(ex, webhooks.list(ex.principal().projectId()).stream().map(Views.WebhookView::of).toList());
    }

    private void create(Exchange ex) throws IOException {
        JsonFields fields = new JsonFields(Json.readObject(ex));
        Optional<String> url = fields.requiredString("url");
        Set<EventType> events = events(fields, true);
        Optional<Boolean> active = fields.bool("is_active");
        fields.throwIfInvalid();
        CreatedWebhook created = webhooks.create(ex.principal().projectId(), url.orElseThrow(), events,
                active.orElse(true));
        Json.success(ex, 201, Views.CreatedWebhookView.of(created.webhook(), created.secret()));
    }

    private void get(Exchange ex) throws IOException {
        Json.success(ex, 200, Views.WebhookView.of(webhooks.get(ex.principal().projectId(), id(ex))));
    }

    private void update(Exchange ex) throws IOException {
        JsonFields fields = new JsonFields(Json.readObject(ex));
        Optional<String> url = fields.string("url");
        Set<EventType> events = fields.has("events") ? events(fields, true) : null;
        Optional<Boolean> active = fields.bool("is_active");
        fields.throwIfInvalid();
        Webhook updated = webhooks.update(ex.principal().projectId(), id(ex),
                new WebhookChange(url.orElse(null), events, active.orElse(null)));
        Json.success(ex, 200, Views.WebhookView.of(updated));
    }

    private void delete(Exchange ex) throws IOException {
        UUID id = id(ex);
        webhooks.delete(ex.principal().projectId(), id);
        Json.success(ex, 200, new Views.DeletedWebhookView(id.toString(), true));
    }

    private void deliveries(Exchange ex) throws IOException {
        UUID id = id(ex);
        Json.page(ex, webhooks.deliveries(ex.principal().projectId(), id, ListParams.pageOnly(ex))
                .map(Views.WebhookDeliveryView::of));
    }

    private void redeliver(Exchange ex) throws IOException {
        UUID id = id(ex);
        UUID delivery = ex.pathUuid("delivery_id", "Delivery");
        Json.success(ex, 200, Views.WebhookDeliveryView.of(webhooks.redeliver(ex.principal().projectId(), id, delivery)));
    }

    private void test(Exchange ex) throws IOException {
        Json.success(ex, 200, Views.WebhookTestView.of(webhooks.test(ex.principal().projectId(), id(ex))));
    }

    private static UUID id(Exchange ex) {
        return ex.pathUuid("id", "Webhook");
    }

    private static Set<EventType> events(JsonFields fields, boolean required) {
        Optional<List<String>> names = fields.stringList("events");
        if (required && !fields.has("events")) {
            fields.problems().add("events", "The events field is required: a list such as [\"upload.completed\"].");
        }
        Set<EventType> events = EnumSet.noneOf(EventType.class);
        names.ifPresent(list -> list.forEach(n -> fields.problems().attempt(() -> events.add(EventType.parse("events", n)))));
        if (names.isPresent() && names.get().isEmpty()) {
            fields.problems().add("events", "The events must list at least one event type, such as upload.completed.");
        }
        return events;
    }
}
