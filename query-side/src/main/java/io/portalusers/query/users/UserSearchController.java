package io.portalusers.query.users;

import io.portalusers.platform.actor.Actor;
import io.portalusers.query.users.Typeahead.Suggestion;
import io.portalusers.query.users.UserSearch.UserPage;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;

/**
 * The user search's HTTP side: the paged list ({@link UserSearch}) and the typeahead
 * ({@link Typeahead}), each as its query string asks.
 */
@RestController
class UserSearchController {

    private final UserSearch search;
    private final Typeahead typeahead;

    UserSearchController(UserSearch search, Typeahead typeahead) {
        this.search = search;
        this.typeahead = typeahead;
    }

    @GetMapping(path = "/api/users", produces = MediaType.APPLICATION_JSON_VALUE)
    UserPage search(Actor actor,
                    @RequestParam(required = false) String name,
                    @RequestParam(required = false) String email,
                    @RequestParam(required = false) String category,
                    @RequestParam(required = false) String organization,
                    @RequestParam(required = false) String role,
                    @RequestParam(required = false) String state,
                    @RequestParam(required = false) String source,
                    @RequestParam(defaultValue = "0") int page,
                    @RequestParam(defaultValue = "20") int size,
                    @RequestParam(defaultValue = "name") String sort) {
        return search.search(actor,
                new UserSearch.Query(name, email, category, organization, role, state, source, page, size, sort));
    }

    @GetMapping(path = "/api/users/suggestions", produces = MediaType.APPLICATION_JSON_VALUE)
    List<Suggestion> suggest(Actor actor,
                             @RequestParam(required = false) String name,
                             @RequestParam(required = false) String email,
                             @RequestParam(defaultValue = "10") int limit) {
        return typeahead.suggest(actor, name, email, limit);
    }
}
