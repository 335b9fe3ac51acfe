"""Arabic formats of aidtrack (README, "Translations"): Western digits with a comma between thousands and a point
before decimals, as in the figures of OCHA's Syria products and the spreadsheets our users paste them into;
Django's own Arabic formats would write 711.650 for seven hundred thousand. Month names come from the catalogue
(أيلول/سبتمبر is written as Django's Arabic translation names it)."""

DATE_FORMAT = "j F Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
FIRST_DAY_OF_WEEK = 6  # Saturday: the Syrian working week runs Sunday to Thursday
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
