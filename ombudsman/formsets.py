"""Formsets of one record's own rows (a decision's findings and agreed actions)."""

from django import forms

ROW_NOT_HERE = (
    "This row is no longer part of the record (it may have been removed in another tab "
    "or by a colleague): reload the page to see the record as it is now."
)


class OwnRowsInlineFormSet(forms.BaseInlineFormSet):
    """An inline formset whose rows may name only the parent's own records.

    Django checks the id sent back with a row against every row of the model, not only the
    parent's: a form posted with the id of another decision's action passed, was taken for
    a new row and saved as a copy. Here an id must be one of the parent's rows, else the
    row is refused with a message (and nothing is saved)."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        field = form.fields.get(self._pk_field.name)
        if isinstance(field, forms.ModelChoiceField):
            field.queryset = self.get_queryset()
            field.error_messages = {**field.error_messages, "invalid_choice": ROW_NOT_HERE}
