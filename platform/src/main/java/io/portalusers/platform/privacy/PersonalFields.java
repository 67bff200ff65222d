package io.portalusers.platform.privacy;

import io.portalusers.api.privacy.DataSubject;
import io.portalusers.api.privacy.ErasedWith;
import io.portalusers.api.privacy.PersonalData;

import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;

/**
 * What an event class says of its personal data: the JSON names of its {@link DataSubject}
 * field, of its {@link ErasedWith} field (or null) and of its {@link PersonalData} fields (a
 * record's components are its JSON properties). {@link #NONE} for a class without personal data.
 */
record PersonalFields(String subject, String erasedWith, List<Field> personal, Method subjectAccessor) {

    /** A personal field, and whether its value is a JSON object (a name of several parts) or a single value. */
    record Field(String name, List<String> parts) {
    }

    static final PersonalFields NONE = new PersonalFields(null, null, List.of(), null);

    private static final ClassValue<PersonalFields> OF = new ClassValue<>() {
        @Override
        protected PersonalFields computeValue(Class<?> type) {
            return scan(type);
        }
    };

    static PersonalFields of(Class<?> type) {
        return type == null ? NONE : OF.get(type);
    }

    boolean any() {
        return !personal.isEmpty();
    }

    /** The subject of an event of this class, as its JSON has it (an id's text). */
    String subjectOf(Object event) {
        try {
            Object value = subjectAccessor.invoke(event);
            return value == null ? null : value.toString();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read the subject of " + event.getClass().getName(), e);
        }
    }

    /** The personal field of this JSON name, or null (a handful of fields: a scan beats a hash). */
    Field personal(String name) {
        for (Field field : personal) {
            if (field.name.equals(name)) {
                return field;
            }
        }
        return null;
    }

    private static PersonalFields scan(Class<?> type) {
        if (!type.isRecord()) {
            return NONE;
        }
        String subject = null;
        Method subjectAccessor = null;
        String erasedWith = null;
        List<Field> personal = new ArrayList<>();
        for (RecordComponent component : type.getRecordComponents()) {
            if (component.isAnnotationPresent(DataSubject.class)) {
                subject = component.getName();
                subjectAccessor = component.getAccessor();
            }
            if (component.isAnnotationPresent(ErasedWith.class)) {
                erasedWith = component.getName();
            }
            if (component.isAnnotationPresent(PersonalData.class)) {
                Class<?> valueType = component.getType();
                List<String> parts = valueType.isRecord() && valueType.getRecordComponents().length > 1
                        ? java.util.Arrays.stream(valueType.getRecordComponents()).map(RecordComponent::getName).toList()
                        : List.of();
                personal.add(new Field(component.getName(), parts));
            }
        }
        if (personal.isEmpty()) {
            return NONE;
        }
        if (subject == null) {
            throw new IllegalStateException(type.getName() + " has personal data but no @DataSubject field");
        }
        return new PersonalFields(subject, erasedWith, List.copyOf(personal), subjectAccessor);
    }
}
