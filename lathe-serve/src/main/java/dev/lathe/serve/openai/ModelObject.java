package dev.lathe.serve.openai;

import java.util.List;

/** OpenAI's model object ({@code GET /v1/models/{id}}); {@code object} is always "model". */
public record ModelObject(String id, String object, long created, String ownedBy) {
    public static ModelObject of(String id, long created, String ownedBy) {
        return new ModelObject(id, "model", created, ownedBy);
    }

    /** {@code GET /v1/models}: {@code {"object":"list","data":[...]}}. */
    public record ModelList(String object, List<ModelObject> data) {
        public static ModelList of(List<ModelObject> models) {
            return new ModelList("list", List.copyOf(models));
        }
    }
}
