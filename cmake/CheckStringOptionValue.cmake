# swirl_check_string_option_value(OPT): fail configuration when the cache variable OPT
# holds a value outside its STRINGS property.
function(swirl_check_string_option_value option)
  get_property(expected_values CACHE ${option} PROPERTY STRINGS)
  if(expected_values)
    if(NOT ${option} IN_LIST expected_values)
      message(FATAL_ERROR "${option} value is '${${option}}', expected one of: ${expected_values}")
    endif()
  endif()
endfunction()
