"""A language's code, and the language of a film's original title or of a person's native-script
name, are BCP 47 tags ("ar", "zh-Hant"), as the pages' `lang` attributes and the films' JSON-LD
`inLanguage` need them: a language's name typed there ("Arabic") is refused by the form
(archive.models.identifiers.language_tag). Only the fields' validators change."""

import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('archive', '0026_search_folds_arabic'),
    ]

    operations = [
        migrations.AlterField(
            model_name='film',
            name='original_title_language',
            field=models.CharField(blank=True, help_text='Language code of the original title, such as ar for Arabic.', max_length=20, validators=[django.core.validators.RegexValidator('^[A-Za-z]{2,3}(-[A-Za-z]{4})?(-([A-Za-z]{2}|[0-9]{3}))?(-([A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*\\Z', "Enter a language code (BCP 47), such as ar for Arabic, fa for Persian or zh-Hant for Chinese in traditional characters, not the language's name.")], verbose_name='language of original title'),
        ),
        migrations.AlterField(
            model_name='language',
            name='code',
            field=models.CharField(help_text='Language code (BCP 47), such as ar or en.', max_length=20, unique=True, validators=[django.core.validators.RegexValidator('^[A-Za-z]{2,3}(-[A-Za-z]{4})?(-([A-Za-z]{2}|[0-9]{3}))?(-([A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*\\Z', "Enter a language code (BCP 47), such as ar for Arabic, fa for Persian or zh-Hant for Chinese in traditional characters, not the language's name.")], verbose_name='code'),
        ),
        migrations.AlterField(
            model_name='person',
            name='native_name_language',
            field=models.CharField(blank=True, help_text='Language code of the native-script name, such as ar for Arabic.', max_length=20, validators=[django.core.validators.RegexValidator('^[A-Za-z]{2,3}(-[A-Za-z]{4})?(-([A-Za-z]{2}|[0-9]{3}))?(-([A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*\\Z', "Enter a language code (BCP 47), such as ar for Arabic, fa for Persian or zh-Hant for Chinese in traditional characters, not the language's name.")], verbose_name='language of native name'),
        ),
    ]
