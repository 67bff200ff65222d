package io.portalusers.standalone;

import io.portalusers.api.OrganizationId;
import io.portalusers.api.UserId;
import io.portalusers.api.user.EmailAddress;
import io.portalusers.api.user.InvitationId;
import io.portalusers.api.user.InvitationIssued;
import io.portalusers.api.user.Language;
import io.portalusers.api.user.Membership;
import io.portalusers.api.user.PersonName;
import io.portalusers.api.user.Role;
import io.portalusers.api.user.UserActivated;
import io.portalusers.api.user.UserCategory;
import io.portalusers.api.user.UserCreated;
import io.portalusers.api.user.UserDisabled;
import io.portalusers.api.user.UserEmailChanged;
import io.portalusers.api.user.UserLanguageChanged;
import io.portalusers.api.user.UserNameChanged;
import io.portalusers.api.user.UserSource;
import io.portalusers.api.user.Username;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;

/**
 * Synthetic user histories with a realistic skew: a few very common surnames and first names
 * (Zipf-like), a long tail of made-up ones, one dominant email domain, and emails with the
 * punctuation people have ({@code . _ - + %}). Each user has {@value #EVENTS_PER_USER} events:
 * created, invited, renamed, activated or language changed, disabled or email or language
 * changed. Deterministic for a seed and an index.
 */
public final class UserHistories {

    public static final int EVENTS_PER_USER = 5;
    /**
     * In {@link #log()}, a user's n-th later event comes right after the creation of the user
     * {@code n * SPREAD} places after it: later events are spread over the creations of the next
     * few thousand users, as in a real log, rather than contiguous.
     */
    public static final int SPREAD = 1_000;

    static final String[] SURNAMES = {"Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis",
            "Rodriguez", "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore",
            "Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark", "Ramirez", "Lewis",
            "Robinson", "O'Brien", "Smith-Jones", "Müller", "Nguyen", "Kowalski", "Rossi", "Dubois", "Schmidt", "Silva",
            "Kim"};
    static final String[] FIRST_NAMES = {"James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda",
            "David", "Elizabeth", "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah",
            "Charles", "Karen", "Christopher", "Lisa", "Daniel", "Nancy", "Matthew", "Betty", "Anthony", "Sandra",
            "Mark", "Ashley", "Anne-Marie", "José", "Zoë", "Li", "Ana"};
    static final String[] DOMAINS = {"mail.example.com", "corp.example.org", "acme-widgets.example", "dev.example.net",
            "university.example.edu", "startup.example.io", "bank.example.co.uk", "post.example.de"};
    private static final String[] SYLLABLES = {"ka", "lo", "mi", "ra", "ten", "vor", "shi", "dan", "bel", "qu", "zor",
            "ni", "pe", "ul", "gra", "fin", "xo", "yam", "wes", "hal"};
    private static final Role[] ROLES = {Role.DEVELOPER, Role.DEVELOPER, Role.DEVELOPER, Role.DEVELOPER, Role.DEVELOPER,
            Role.DEVELOPER, Role.DEVELOPER, Role.ORG_PUBLISHER, Role.ORG_ADMIN, Role.API_OWNER};
    private static final String[] LANGUAGES = {"en", "en", "en", "de", "fr", "es", "pt-BR"};

    private final long seed;
    private final int users;
    private final Instant start;
    private final List<OrganizationId> organizations = new ArrayList<>();

    /** {@code users} users created evenly over the 30 days before {@code end}, in {@code organizationCount} organizations. */
    public UserHistories(long seed, int users, int organizationCount, Instant end) {
        this.seed = seed;
        this.users = users;
        this.start = end.minus(Duration.ofDays(30));
        Random random = new Random(seed);
        for (int i = 0; i < organizationCount; i++) {
            organizations.add(new OrganizationId(new UUID(random.nextLong(), random.nextLong())));
        }
    }

    public int users() {
        return users;
    }

    /** The organizations memberships point to, the first ones the largest. */
    public List<OrganizationId> organizations() {
        return List.copyOf(organizations);
    }

    /**
     * Every user's events in log order: creations in user order, each user's later events
     * interleaved with the next users' (see {@link #SPREAD}), each user's own order kept.
     * Holds only the histories of the last {@code 4 * SPREAD} users in memory.
     */
    public Iterable<EventRows.Event> log() {
        return () -> new Iterator<>() {
            private final int span = (EVENTS_PER_USER - 1) * SPREAD + 1;
            private final List<List<EventRows.Event>> recent = new ArrayList<>(Collections.nCopies(span, null));
            private final ArrayDeque<EventRows.Event> pending = new ArrayDeque<>();
            private int step;

            @Override
            public boolean hasNext() {
                while (pending.isEmpty() && step < users + span) {
                    if (step < users) {
                        List<EventRows.Event> history = history(step);
                        recent.set(step % span, history);
                        pending.add(history.get(0));
                    }
                    for (int n = 1; n < EVENTS_PER_USER; n++) {
                        int user = step - n * SPREAD;
                        if (user >= 0 && user < users) {
                            pending.add(recent.get(user % span).get(n));
                        }
                    }
                    step++;
                }
                return !pending.isEmpty();
            }

            @Override
            public EventRows.Event next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return pending.poll();
            }
        };
    }

    /** The events of user {@code index}, in order. */
    public List<EventRows.Event> history(int index) {
        Random random = new Random(seed * 1_000_003L + index);
        UUID id = new UUID(random.nextLong() | 1, random.nextLong());
        UserId user = new UserId(id);
        Instant created = start.plusMillis((long) ((double) index / users * Duration.ofDays(30).toMillis()));
        Role role = ROLES[random.nextInt(ROLES.length)];
        List<Membership> memberships = role.category() == UserCategory.ORG_USER
                ? List.of(new Membership(organization(random), role)) : List.of();
        PersonName name = new PersonName(firstName(random), surname(random));
        List<EventRows.Event> events = new ArrayList<>(EVENTS_PER_USER);
        events.add(new EventRows.Event(id, 0, new UserCreated(user, Username.of("u" + index + "-" + seed),
                email(random, name, index), name, Language.of(LANGUAGES[random.nextInt(LANGUAGES.length)]), role,
                memberships, UserSource.PORTAL, null, true), created));
        Instant at = created.plusSeconds(1);
        events.add(new EventRows.Event(id, 1, new InvitationIssued(user, InvitationId.random(),
                at.plus(Duration.ofHours(72))), at));
        at = at.plusSeconds(60 + random.nextInt(3600));
        events.add(new EventRows.Event(id, 2, new UserNameChanged(user,
                new PersonName(name.firstName(), random.nextInt(4) == 0 ? surname(random) : name.lastName())), at));
        at = at.plusSeconds(60 + random.nextInt(3600));
        events.add(new EventRows.Event(id, 3, random.nextInt(10) < 7 ? new UserActivated(user)
                : new UserLanguageChanged(user, Language.of(LANGUAGES[random.nextInt(LANGUAGES.length)])), at));
        at = at.plusSeconds(60 + random.nextInt(3600));
        int last = random.nextInt(10);
        Object fifth = last == 0 ? new UserDisabled(user)
                : last < 4 ? new UserEmailChanged(user, email(random, name, index))
                : new UserLanguageChanged(user, Language.of(LANGUAGES[random.nextInt(LANGUAGES.length)]));
        events.add(new EventRows.Event(id, 4, fifth, at));
        return events;
    }

    private OrganizationId organization(Random random) {
        // a few large organizations, many small ones
        int index = (int) Math.min(organizations.size() - 1, Math.floor(Math.pow(random.nextDouble(), 3) * organizations.size()));
        return organizations.get(index);
    }

    private static String surname(Random random) {
        return random.nextInt(2) == 0 ? zipf(random, SURNAMES) : capitalized(made(random, 2 + random.nextInt(3)));
    }

    private static String firstName(Random random) {
        return random.nextInt(10) < 7 ? zipf(random, FIRST_NAMES) : capitalized(made(random, 2 + random.nextInt(2)));
    }

    private static EmailAddress email(Random random, PersonName name, int index) {
        String first = ascii(name.firstName());
        String last = ascii(name.lastName());
        String local = switch (random.nextInt(6)) {
            case 0 -> first + "_" + last;
            case 1 -> first.charAt(0) + "-" + last;
            case 2 -> first + "." + last + "+news";
            case 3 -> first + "%" + last;
            default -> first + "." + last;
        } + index;
        int pick = random.nextInt(100);
        String domain = pick < 60 ? "example.com"
                : pick < 90 ? DOMAINS[random.nextInt(DOMAINS.length)]
                : made(random, 2) + "-" + made(random, 1) + ".example";
        return EmailAddress.of(local + "@" + domain);
    }

    private static String zipf(Random random, String[] values) {
        // rank r with probability ~ 1/r
        double harmonic = Math.log(values.length) + 0.5772;
        double target = random.nextDouble() * harmonic;
        double sum = 0;
        for (int rank = 1; rank <= values.length; rank++) {
            sum += 1.0 / rank;
            if (sum >= target) {
                return values[rank - 1];
            }
        }
        return values[values.length - 1];
    }

    private static String made(Random random, int syllables) {
        StringBuilder made = new StringBuilder();
        for (int i = 0; i < syllables; i++) {
            made.append(SYLLABLES[random.nextInt(SYLLABLES.length)]);
        }
        return made.toString();
    }

    private static String capitalized(String word) {
        return Character.toUpperCase(word.charAt(0)) + word.substring(1);
    }

    private static String ascii(String name) {
        return java.text.Normalizer.normalize(name, java.text.Normalizer.Form.NFD)
                .replaceAll("\\p{M}", "").replaceAll("[^A-Za-z-]", "").toLowerCase(Locale.ROOT);
    }
}
