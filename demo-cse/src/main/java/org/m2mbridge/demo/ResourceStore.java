package org.m2mbridge.demo;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.m2mbridge.core.primitive.ResourceType;

/**
 * The in-memory resource tree of the {@link DemoCse} (TEST/DEMO peer, not a product feature). Every method is
 * synchronized on the store; callers that need a check-then-act sequence hold the store's monitor around it.
 */
final class ResourceStore {
    private final Map<String, DemoResource> byRi = new HashMap<>();
    private final Map<String, String> riByPath = new HashMap<>();
    /** Children in creation order, so "latest"/"oldest" follow creation as in TS-0001 9.6.27. */
    private final Map<String, Map<String, String>> childrenByParent = new HashMap<>();

    synchronized void put(DemoResource r) {
        DemoResource previous = byRi.put(r.ri(), r);
        if (previous == null) {
            riByPath.put(r.path(), r.ri());
            if (!r.pi().isEmpty()) {
                childrenByParent.computeIfAbsent(r.pi(), k -> new LinkedHashMap<>()).put(r.ri(), r.rn());
            }
        }
    }

    synchronized Optional<DemoResource> byRi(String ri) {
        return Optional.ofNullable(byRi.get(ri));
    }

    synchronized Optional<DemoResource> byPath(String path) {
        String ri = riByPath.get(path);
        return ri == null ? Optional.empty() : byRi(ri);
    }

    /** True when {@code parentRi} already has a child called {@code rn} (4105 CONFLICT, TS-0004 7.3.3.2). */
    synchronized boolean hasChildNamed(String parentRi, String rn) {
        DemoResource parent = byRi.get(parentRi);
        return parent != null && riByPath.containsKey(parent.path() + "/" + rn);
    }

    synchronized List<DemoResource> children(String parentRi, int ty) {
        List<DemoResource> out = new ArrayList<>();
        for (String ri : childrenByParent.getOrDefault(parentRi, Map.of()).keySet()) {
            DemoResource c = byRi.get(ri);
            if (c != null && c.ty() == ty) {
                out.add(c);
            }
        }
        return out;
    }

    /** Every descendant of {@code ri}, breadth first, each level in creation order (discovery, TS-0004 7.3.3.4). */
    synchronized List<DemoResource> descendants(String ri) {
        List<DemoResource> out = new ArrayList<>();
        Deque<String> todo = new ArrayDeque<>();
        todo.add(ri);
        while (!todo.isEmpty()) {
            for (String child : childrenByParent.getOrDefault(todo.poll(), Map.of()).keySet()) {
                DemoResource c = byRi.get(child);
                if (c != null) {
                    out.add(c);
                    todo.add(child);
                }
            }
        }
        return out;
    }

    /** The latest ({@code la}) or oldest ({@code ol}) contentInstance of a container. */
    synchronized Optional<DemoResource> latestOrOldest(String containerRi, boolean latest) {
        List<DemoResource> cins = children(containerRi, ResourceType.CONTENT_INSTANCE.code());
        if (cins.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(latest ? cins.get(cins.size() - 1) : cins.get(0));
    }

    /** Removes a resource and all its descendants; returns what was removed (the resource first). */
    synchronized List<DemoResource> removeSubtree(String ri) {
        List<DemoResource> removed = new ArrayList<>();
        Deque<String> todo = new ArrayDeque<>();
        todo.push(ri);
        while (!todo.isEmpty()) {
            String next = todo.pop();
            DemoResource r = byRi.remove(next);
            if (r == null) {
                continue;
            }
            removed.add(r);
            riByPath.remove(r.path());
            Map<String, String> siblings = childrenByParent.get(r.pi());
            if (siblings != null) {
                siblings.remove(r.ri());
            }
            Map<String, String> children = childrenByParent.remove(r.ri());
            if (children != null) {
                children.keySet().forEach(todo::push);
            }
        }
        return removed;
    }
}
